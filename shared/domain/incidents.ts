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
import type { RuleId } from '../contracts/rule-ids.js';
import { scopeKey } from '../ledger/keys.js';
import type { Ports } from '../ports/index.js';
import { deniedWindow } from './denied-calls.js';

/** How a rule groups its findings into incidents. */
export interface IncidentScope {
  /** The fixed window, aligned to the epoch, whose findings about one secret are one incident. */
  readonly windowMinutes: number;
  /** One incident per caller too (reads outside a VPC endpoint: each caller is its own problem). */
  readonly perCaller?: boolean;
}

/**
 * The rules whose findings are grouped into incidents, and how: the catalogue's `incident`
 * entries are these (one source), and the alert reads them without loading the catalogue.
 */
export const INCIDENT_SCOPES = {
  /** The reads of one secret marked for deletion within an hour (the write limit's period too): one restore, one alert. */
  'deleted-secret-in-use': { windowMinutes: 60 },
  /** One caller's reads of one secret outside its required endpoints within an hour. */
  'access-outside-vpce': { windowMinutes: 60, perCaller: true },
} as const satisfies Partial<Record<RuleId, IncidentScope>>;

/** The incident scope of `rule`, if its findings are grouped. */
export const incidentScopeOf = (rule: RuleId): IncidentScope | undefined =>
  (INCIDENT_SCOPES as Partial<Record<RuleId, IncidentScope>>)[rule];

/** How long an incident's counter outlives its window: redeliveries come for up to a day. */
const COUNTER_MARGIN_MS = 24 * 3_600_000;

/**
 * The finding key of the incident `at` falls in for `secret`:
 * `<account>/<region>/<secret name>/<window start>`, or with the caller when the incident is one
 * caller's (`<account>/<region>/<secret name>/<caller>/<window start>`); the finding id is then
 * `<rule>/<key>`. By name, which the event gives whether the caller named the secret or gave its
 * ARN, so that reads of one secret by either are one incident.
 */
export const incidentKey = (
  secret: Pick<SecretRef, 'account' | 'region' | 'name' | 'id'>,
  at: Date,
  scope: IncidentScope,
  caller?: string,
): string =>
  `${secret.account}/${secret.region}/${secret.name ?? secret.id}/${caller === undefined ? '' : `${caller}/`}${deniedWindow(at, scope.windowMinutes).start.toISOString()}`;

/** The ledger counter of the incident `finding` stands for, and how long it is kept (past its window: a late event still counts). */
const incidentCounterOf = (
  finding: Pick<Finding, 'id' | 'event'>,
  scope: IncidentScope,
): { readonly scope: string; readonly expiresAt: Date } => {
  const window = deniedWindow(new Date(finding.event.time), scope.windowMinutes);
  return { scope: scopeKey.incident(finding.id), expiresAt: new Date(window.end.getTime() + COUNTER_MARGIN_MS) };
};

/**
 * Counts one more finding into the incident `finding` stands for and answers how many were
 * counted into it so far (the published finding itself not included). The counter is kept past
 * the window so a late event still counts.
 */
export const countIntoIncident = async (finding: Finding, scope: IncidentScope, ports: Pick<Ports, 'ledger'>): Promise<number> => {
  const counter = incidentCounterOf(finding, scope);
  return ports.ledger.count(counter.scope, counter.expiresAt);
};

/**
 * How many findings were counted into the incident `finding` stands for so far (itself not
 * included): what its alert says as "and N more". Zero for a finding of a rule without incidents.
 */
export const countedIntoIncident = async (
  finding: Finding,
  scope: IncidentScope | undefined,
  ports: Pick<Ports, 'ledger'>,
): Promise<number> => {
  if (!scope) return 0;
  const counter = incidentCounterOf(finding, scope);
  return ports.ledger.counted(counter.scope, counter.expiresAt);
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
