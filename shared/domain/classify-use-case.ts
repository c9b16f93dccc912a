/**
 * The classify use case: a Secrets Manager CloudTrail event or a Config compliance change in, "Secret
 * Finding" events out on the project bus. Reads the secret (one DescribeSecret) only when a
 * triggered rule needs its current state, and counts a refused call in the ledger only when a
 * triggered rule needs the caller's refused calls (access-denied-burst); its role may only
 * DescribeSecret, PutEvents and use the ledger.
 */
import type { ClassifiableEvent } from '../contracts/cloudtrail-event.js';
import { type Finding, findingBusEvent } from '../contracts/finding.js';
import { PermissionDeniedError, SecretNotFoundError } from '../errors.js';
import { logger } from '../logger.js';
import { recordFinding } from '../metrics.js';
import type { Ports, SecretState, SecretsPort } from '../ports/index.js';
import { ruleById } from './catalogue.js';
import { ancestryFor, type MemberPorts, secretsFor } from './member-reach.js';
import type { Hub } from './organisation-scope.js';
import { SERVICE_NAME } from './service-roles.js';
import { type ClassifyContext, evaluate, type Prepared, prepare } from './classify.js';
import { type Folded, foldIntoIncidents } from './incidents.js';
import { claimFirstReports, countDeniedCall, type DeniedCallPorts, type DeniedTally } from './denied-calls.js';

export type ClassifyOutcome =
  | { readonly status: 'published'; readonly findings: readonly string[] }
  | { readonly status: 'no-finding'; readonly reasons: readonly string[] }
  | { readonly status: 'ignored'; readonly reason: string };

/** With the invocation's time left (`remainingMs`), which the refused-call claims hold for. */
export type ClassifyPorts = Pick<Ports, 'bus' | 'secrets' | 'ledger' | 'clock'> & Pick<DeniedCallPorts, 'remainingMs'> & MemberPorts;

/** The session classify reads a member's secrets in: one for every event, so its credentials are reused. */
const READ_SESSION = `${SERVICE_NAME}-classify`;

/**
 * Classifies one event: reads what the triggered rules need (the secret's state, the caller's
 * refused calls), evaluates the catalogue, and publishes the findings, each reported once where
 * its rule says so.
 */
export const classifyEvent = async (event: ClassifiableEvent, ports: ClassifyPorts, given: ClassifyContext): Promise<ClassifyOutcome> => {
  logger.appendKeys({ eventId: event.event.id, eventName: eventNameOf(event) });
  const hub = given.account === undefined ? undefined : { account: given.account, region: given.region ?? event.event.region };
  const ancestry = hub ? await ancestryFor(given.policy, hub, event.event.account, ports.organisation) : undefined;
  const context: ClassifyContext = ancestry ? { ...given, ancestry } : given;
  const prepared = prepare(event, context);
  if (prepared.kind === 'ignored') {
    logger.info('event ignored', { reason: prepared.reason });
    return { status: 'ignored', reason: prepared.reason };
  }
  logger.appendKeys({ secretArn: prepared.secret.id, principal: prepared.actor.principal });
  const state = prepared.needsSecretState ? await currentState(readerOf(prepared, context, hub, ports), prepared.secret.id) : undefined;
  const denied = prepared.needsDeniedCount ? await countDenied(prepared, context, ports) : undefined;
  const classification = evaluate(prepared, context.policy, state, denied);
  if (classification.kind !== 'findings') {
    logger.info('no finding', { reasons: classification.reasons });
    return { status: 'no-finding', reasons: classification.reasons };
  }
  // A burst stays past its limit for many calls: only the first delivery to claim it reports it.
  const { publish: findings, release } = await claimFirstReports(classification.findings, reportsOnce, ports);
  // Many reads of one secret at once are one incident: the ones not published are counted into it.
  const folded = await foldIntoIncidents(classification.findings, findings, (f) => ruleById(f.rule).incident, ports);
  if (findings.length === 0) {
    logger.info('finding reported already', { findings: classification.findings.map((f) => f.id), folded });
    return {
      status: 'no-finding',
      reasons: classification.findings.map((f) => `${f.rule}: reported already (${f.id})${moreLikeIt(folded, f)}`),
    };
  }
  try {
    await ports.bus.publish(findings.map(findingBusEvent));
  } catch (error) {
    await release();
    throw error;
  }
  findings.forEach(recordFinding);
  logger.info('findings published', {
    findings: findings.map((f) => ({ findingId: f.id, ruleId: f.rule, severity: f.severity, reason: f.reason, actions: f.actions })),
  });
  return { status: 'published', findings: findings.map((f) => f.id) };
};

/** What the log calls the event: the API call, the Config rule, or the Security Hub control. */
const eventNameOf = (event: ClassifiableEvent): string => {
  switch (event.kind) {
    case 'cloudtrail':
      return event.event.detail.eventName;
    case 'config':
      return event.event.detail.configRuleName;
    case 'securityhub':
      return event.event.detail.findings[0]?.Compliance?.SecurityControlId ?? 'Security Hub finding';
  }
};

/**
 * The outcomes of an event's parts (a Security Hub event's findings) as one: published when any
 * part published, every part's reasons otherwise. A single outcome is itself.
 */
export const mergeOutcomes = (outcomes: readonly ClassifyOutcome[]): ClassifyOutcome => {
  const [only] = outcomes;
  if (outcomes.length === 1 && only) return only;
  const published = outcomes.flatMap((o) => (o.status === 'published' ? o.findings : []));
  if (published.length > 0) return { status: 'published', findings: published };
  const reasons = outcomes.flatMap((o) => (o.status === 'no-finding' ? o.reasons : o.status === 'ignored' ? [o.reason] : []));
  return outcomes.every((o) => o.status === 'ignored')
    ? { status: 'ignored', reason: reasons.join('; ') }
    : { status: 'no-finding', reasons };
};

/**
 * Secrets Manager where the event happened: the function's own here, a member's read role
 * elsewhere; undefined when no member access is wired (the rules then judge from the event alone,
 * as when the read is denied).
 */
const readerOf = (prepared: Prepared, context: ClassifyContext, hub: Hub | undefined, ports: ClassifyPorts): SecretsPort | undefined => {
  if (hub === undefined || prepared.place.own) return ports.secrets;
  if (!ports.members || !context.stage) {
    logger.warn('no member access wired: judging from the event alone', { account: prepared.place.account, region: prepared.place.region });
    return undefined;
  }
  return secretsFor(
    { policy: context.policy, stage: context.stage, hub, place: prepared.place, own: false, role: 'read', session: READ_SESSION },
    ports.secrets,
    ports.members,
  );
};

const reportsOnce = (finding: Finding): boolean => ruleById(finding.rule).reportOnce === true;

const moreLikeIt = (folded: readonly Folded[], finding: Finding): string => {
  const count = folded.find((f) => f.findingId === finding.id)?.moreLikeIt;
  return count === undefined ? '' : `, and ${count} more like it`;
};

/** Counts this refused call against its caller's window; logs the tally, never the request. */
const countDenied = async (prepared: Prepared, context: ClassifyContext, ports: DeniedCallPorts): Promise<DeniedTally | undefined> => {
  if (prepared.event.kind !== 'cloudtrail') return undefined;
  const tally = await countDeniedCall(prepared.event.event, prepared.actor, context.policy, ports);
  logger.info('refused call counted', {
    tally: tally.kind,
    ...(tally.kind === 'counted' ? { count: tally.count, redelivered: tally.redelivered } : {}),
    countedPrincipal: tally.principal,
    windowStart: tally.window.start.toISOString(),
  });
  return tally;
};

/**
 * The secret as it is now; undefined when it no longer exists or may not be read, and the
 * rules then judge from the event alone (a denied read is worth a warning, not a lost finding).
 */
const currentState = async (secrets: SecretsPort | undefined, secretId: string): Promise<SecretState | undefined> => {
  if (!secrets) return undefined;
  try {
    return await secrets.describeSecret(secretId);
  } catch (error) {
    if (error instanceof SecretNotFoundError) return undefined;
    if (error instanceof PermissionDeniedError) {
      logger.warn('secret state not readable; judging from the event alone', { error: error.message });
      return undefined;
    }
    throw error;
  }
};
