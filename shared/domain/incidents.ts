/**
 * Many findings about one secret at once are one incident. Fifty applications reading a secret
 * that is scheduled for deletion are fifty CloudTrail events but one problem: one restore, one
 * alert. A rule that says so in the catalogue (`incident`) names its finding after the secret
 * and a fixed window instead of the event, so every event of the window yields the same finding
 * id; classify publishes that finding once (the rule reports once) and counts the others into
 * it. The action's claim (`<finding id>#<action>`) and the alert's (`alert#<finding id>`) then
 * dedupe with no change of their own, and a redelivery of the first event is the same finding.
 */
import type { Finding, SecretRef } from '../contracts/finding.js';
import { scopeKey } from '../ledger/keys.js';
import type { Ports } from '../ports/index.js';
import { deniedWindow } from './denied-calls.js';

/** How a rule groups its findings into incidents. */
export interface IncidentScope {
  /** The fixed window, aligned to the epoch, whose findings about one secret are one incident. */
  readonly windowMinutes: number;
}

/** How long an incident's counter outlives its window: redeliveries come for up to a day. */
const COUNTER_MARGIN_MS = 24 * 3_600_000;

/**
 * The finding key of the incident `at` falls in for `secret`:
 * `<account>/<region>/<secret name>/<window start>` (the finding id is then `<rule>/<key>`).
 * By name, which the event gives whether the caller named the secret or gave its ARN, so that
 * reads of one secret by either are one incident.
 */
export const incidentKey = (secret: SecretRef, at: Date, scope: IncidentScope): string =>
  `${secret.account}/${secret.region}/${secret.name ?? secret.id}/${deniedWindow(at, scope.windowMinutes).start.toISOString()}`;

/**
 * Counts one more finding into the incident `finding` stands for and answers how many were
 * counted into it so far (the published finding itself not included). The counter is kept past
 * the window so a late event still counts.
 */
export const countIntoIncident = async (finding: Finding, scope: IncidentScope, ports: Pick<Ports, 'ledger'>): Promise<number> => {
  const window = deniedWindow(new Date(finding.event.time), scope.windowMinutes);
  return ports.ledger.count(scopeKey.incident(finding.id), new Date(window.end.getTime() + COUNTER_MARGIN_MS));
};

/** A finding counted into its incident instead of published: its id and how many so far. */
export interface Folded {
  readonly findingId: string;
  readonly moreLikeIt: number;
}

/**
 * Of the findings an event raised, counts into their incident those of incident rules that were
 * not published (another event of the window published the incident's finding). Counting is
 * per event: a redelivered event counts again (the count can only run high, never lose a read).
 */
export const foldIntoIncidents = async (
  raised: readonly Finding[],
  published: readonly Finding[],
  scopeOf: (finding: Finding) => IncidentScope | undefined,
  ports: Pick<Ports, 'ledger'>,
): Promise<readonly Folded[]> => {
  const folded: Folded[] = [];
  for (const finding of raised) {
    const scope = scopeOf(finding);
    if (!scope || published.includes(finding)) continue;
    folded.push({ findingId: finding.id, moreLikeIt: await countIntoIncident(finding, scope, ports) });
  }
  return folded;
};
