/**
 * The redaction boundary: a finding (and its action's result) with every string that came from
 * an event bounded and redacted (shared/contracts/hostile-text.ts, shared/alerts/redact.ts), in
 * the same shapes. It is crossed where a finding is built ({@link redactFinding} in `findingOf`)
 * and where a result goes on the bus ({@link redactRemediation} in `resultBusEvent`), so every
 * sink downstream — the ledger's keys, the logs, the alert, the replay report — gets clean text;
 * and again by each rendering ({@link cleanFinding}), since what reaches the project bus is a
 * claim, never evidence. Rendering code then cannot forget a field: there is no raw string left.
 *
 * Identifiers shaped like one (a Secrets Manager name or ARN, a principal ARN) go through the
 * identifier rules; every other string (new evidence fields included, by default) through the
 * free-text rules, which leave those identifiers whole where prose quotes them.
 */
import { createHash } from 'node:crypto';
import type { ActionResult, Finding, VersionStages } from './finding.js';
import { isSecretsManagerId, redactEventIdentifier, redactEventText } from './hostile-text.js';

/** Paths (in the finding) of identifiers: shown as they are unless a precise secret shape is in them. */
const IDENTIFIER_PATHS: ReadonlySet<string> = new Set([
  'secret.id',
  'secret.arn',
  'secret.name',
  'actor.principal',
  'actor.sessionArn',
  'evidence.deniedSecrets',
]);
/** The secret's handle: what the actions call Secrets Manager with. */
const HANDLE_PATHS: ReadonlySet<string> = new Set(['secret.id', 'secret.arn', 'secret.name']);

/**
 * Most characters of a finding id: it names ledger keys (`alert#<id>#slack`), and DynamoDB takes
 * at most 2048 bytes of partition key. A longer id keeps its start and a hash of the whole, so
 * two long ids still differ.
 */
const FINDING_ID_CHARS = 512;

/** `id` cut to at most {@link FINDING_ID_CHARS} characters (its start and a hash of the whole): fit for a ledger key. */
export const boundFindingId = (id: string): string =>
  id.length <= FINDING_ID_CHARS
    ? id
    : `${id.slice(0, FINDING_ID_CHARS - 48)}#sha256-${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;

export interface CleanAlertInput {
  readonly finding: Finding;
  readonly result?: ActionResult;
}

/**
 * The finding and result, bounded and redacted; numbers, booleans and field names are kept as
 * they are. For a rendering: every identifier is judged, the secret's name included.
 */
export const cleanFinding = (finding: Finding, result?: ActionResult): CleanAlertInput => {
  const { finding: cleaned, keep } = redactStrings(finding, false);
  return { finding: cleaned, ...(result ? { result: cleanResult(result, keep) } : {}) };
};

/**
 * The finding as it may travel: every string from the event bounded and redacted — the one
 * step every finding passes when it is built (`findingOf`) and again when an action's result
 * is put on the bus, so the bus, the ledger keys, the logs and the report only ever see clean
 * text. One exception, on purpose: a secret id, ARN or name Secrets Manager would accept stays
 * exact, since the actions call AWS with it; each rendering judges it again ({@link cleanFinding}).
 */
export const redactFinding = (finding: Finding): Finding => redactStrings(finding, true).finding;

/** An action's result and its finding, as they may travel (see {@link redactFinding}). */
export const redactRemediation = (remediation: { finding: Finding; result: ActionResult }): { finding: Finding; result: ActionResult } => {
  const { finding, keep } = redactStrings(remediation.finding, true);
  return { finding, result: cleanResult(remediation.result, keep) };
};

const redactStrings = (finding: Finding, keepHandle: boolean): { finding: Finding; keep: string[] } => {
  const identifier = (value: string, path: string): string =>
    keepHandle && HANDLE_PATHS.has(path) && isSecretsManagerId(value) ? value : redactEventIdentifier(value);
  const keep = [
    identifier(finding.secret.id, 'secret.id'),
    ...(finding.secret.arn === undefined ? [] : [identifier(finding.secret.arn, 'secret.arn')]),
    ...(finding.secret.name === undefined ? [] : [identifier(finding.secret.name, 'secret.name')]),
    identifier(finding.actor.principal, 'actor.principal'),
    ...(finding.actor.sessionArn === undefined ? [] : [identifier(finding.actor.sessionArn, 'actor.sessionArn')]),
  ];
  const clean = (value: unknown, path: string): unknown => {
    // The carried record is kept as AWS wrote it, to be classified again; nothing renders it.
    if (path === 'record') return value;
    if (typeof value === 'string') {
      if (path === 'id') return boundFindingId(redactEventText(value, keep));
      return IDENTIFIER_PATHS.has(path) ? identifier(value, path) : redactEventText(value, keep);
    }
    if (Array.isArray(value)) return value.map((item) => clean(item, path));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, clean(item, path === '' ? key : `${path}.${key}`)]));
    }
    return value;
  };
  return { finding: clean(finding, '') as Finding, keep };
};

const cleanStages = (stages: VersionStages, keep: readonly string[]): VersionStages =>
  Object.fromEntries(
    Object.entries(stages).map(([id, labels]) => [redactEventText(id, keep), labels.map((label) => redactEventText(label, keep))]),
  );

const cleanResult = (result: ActionResult, keep: readonly string[]): ActionResult => ({
  ...result,
  reason: redactEventText(result.reason, keep),
  ...(result.versionId === undefined ? {} : { versionId: redactEventText(result.versionId, keep) }),
  ...(result.before ? { before: cleanStages(result.before, keep) } : {}),
  ...(result.after ? { after: cleanStages(result.after, keep) } : {}),
  ...(result.state
    ? { state: { before: redactEventText(result.state.before, keep), after: redactEventText(result.state.after, keep) } }
    : {}),
});
