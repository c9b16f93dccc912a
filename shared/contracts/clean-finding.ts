/**
 * The redaction boundary: a finding (and its action's result) with every string that came from
 * an event bounded and redacted (shared/contracts/hostile-text.ts, shared/alerts/redact.ts), in
 * the same shapes. It is crossed where a finding is built ({@link redactBuiltFinding} in `findingOf`)
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

/**
 * Identifiers (shown as they are unless a precise secret shape is in them), by the section of the
 * finding that holds them: `secret.id`, `actor.principal`, every item of `evidence.deniedSecrets`.
 * Looked up by section and field rather than by a dotted path, so no path string is built per
 * field: classify redacts every finding it builds.
 */
const IDENTIFIER_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  secret: new Set(['id', 'arn', 'name']),
  actor: new Set(['principal', 'sessionArn']),
  evidence: new Set(['deniedSecrets']),
};
/** The secret's handle (`secret.id`, `.arn`, `.name`): what the actions call Secrets Manager with. */
const HANDLE_SECTION = 'secret';

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
 * The finding as it may travel, built by this process from its rule's catalogue entry
 * (`findingOf`): every string from the event bounded and redacted — the one step every finding
 * passes when it is built, and again (by {@link redactRemediation}) when an action's result is
 * put on the bus, so the bus, the ledger keys, the logs and the report only ever see clean text.
 * One exception, on purpose: a secret id, ARN or name Secrets Manager would accept stays exact,
 * since the actions call AWS with it; each rendering judges it again ({@link cleanFinding}). The
 * fields the catalogue entry gave (title, severity, control, practices, actions) hold no event
 * text and are left as they are.
 */
export const redactBuiltFinding = (finding: Finding): Finding => redactStrings(finding, true, 'trusted').finding;

/**
 * An action's result and its finding, as they may travel (see {@link redactBuiltFinding}); the
 * finding came from the bus, a claim, so every field of it is judged.
 */
export const redactRemediation = (remediation: { finding: Finding; result: ActionResult }): { finding: Finding; result: ActionResult } => {
  const { finding, keep } = redactStrings(remediation.finding, true);
  return { finding, result: cleanResult(remediation.result, keep) };
};

/**
 * Fields a finding takes from the rule's catalogue entry, never from an event: when the finding is
 * built here from that entry ({@link redactBuiltFinding}), there
 * is nothing in them to redact. A finding read back from the bus is a claim: every field is judged.
 */
const CATALOGUE_FIELDS: ReadonlySet<string> = new Set(['rule', 'title', 'severity', 'control', 'practices', 'actions', 'needsRemediation']);

/**
 * One finding's redaction: how identifiers on the handle paths are treated, and each distinct
 * string already judged (a finding repeats its strings: the secret's ARN as id and arn, the account
 * in three places). Module-level functions over this state rather than closures made per call:
 * the bundles keep function names (esbuild `keepNames`), which costs a property definition for
 * every closure created, on every finding.
 */
interface Redaction {
  readonly keepHandle: boolean;
  readonly catalogue: 'trusted' | 'judged';
  readonly identifiers: Map<string, string>;
  readonly texts: Map<string, string>;
  keep: string[];
}

/** `isHandle`: the secret's id, ARN or name, kept exact when the redaction keeps handles. */
const judgeIdentifier = (redaction: Redaction, value: string, isHandle: boolean): string => {
  if (isHandle && redaction.keepHandle && isSecretsManagerId(value)) return value;
  let judged = redaction.identifiers.get(value);
  if (judged === undefined) redaction.identifiers.set(value, (judged = redactEventIdentifier(value)));
  return judged;
};

const judgeText = (redaction: Redaction, value: string): string => {
  let judged = redaction.texts.get(value);
  if (judged === undefined) redaction.texts.set(value, (judged = redactEventText(value, redaction.keep)));
  return judged;
};

/** Any value below a free-text field: every string in it judged as prose. */
const cleanText = (redaction: Redaction, value: unknown): unknown => {
  if (typeof value === 'string') return judgeText(redaction, value);
  if (Array.isArray(value)) {
    const cleaned: unknown[] = [];
    for (const item of value) cleaned.push(cleanText(redaction, item));
    return cleaned;
  }
  if (value !== null && typeof value === 'object') {
    const cleaned: Record<string, unknown> = {};
    for (const key of Object.keys(value)) cleaned[key] = cleanText(redaction, (value as Record<string, unknown>)[key]);
    return cleaned;
  }
  return value;
};

/** An identifier field's value: its strings (a list's items too) judged as identifiers; anything nested deeper, as prose. */
const cleanIdentifier = (redaction: Redaction, value: unknown, isHandle: boolean): unknown => {
  if (typeof value === 'string') return judgeIdentifier(redaction, value, isHandle);
  if (Array.isArray(value)) {
    const cleaned: unknown[] = [];
    for (const item of value) cleaned.push(cleanIdentifier(redaction, item, isHandle));
    return cleaned;
  }
  return cleanText(redaction, value);
};

/** A top-level field of the finding (`secret`, `actor`, `evidence`, `event`, `notes`, …). */
const cleanSection = (redaction: Redaction, section: string, value: unknown): unknown => {
  const identifiers = IDENTIFIER_FIELDS[section];
  if (identifiers === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return cleanText(redaction, value);
  const isHandle = section === HANDLE_SECTION;
  const cleaned: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    cleaned[key] = identifiers.has(key) ? cleanIdentifier(redaction, item, isHandle) : cleanText(redaction, item);
  }
  return cleaned;
};

const cleanFindingFields = (redaction: Redaction, finding: Finding): Finding => {
  const cleaned: Record<string, unknown> = {};
  for (const key of Object.keys(finding)) {
    const item = (finding as unknown as Record<string, unknown>)[key];
    if (key === 'id' && typeof item === 'string') cleaned[key] = boundFindingId(judgeText(redaction, item));
    // The carried record is kept as AWS wrote it, to be classified again; nothing renders it.
    else if (key === 'record' || (redaction.catalogue === 'trusted' && CATALOGUE_FIELDS.has(key))) cleaned[key] = item;
    else cleaned[key] = cleanSection(redaction, key, item);
  }
  return cleaned as unknown as Finding;
};

const redactStrings = (
  finding: Finding,
  keepHandle: boolean,
  catalogue: 'trusted' | 'judged' = 'judged',
): { finding: Finding; keep: string[] } => {
  const redaction: Redaction = { keepHandle, catalogue, identifiers: new Map(), texts: new Map(), keep: [] };
  const { secret, actor } = finding;
  const keep = [judgeIdentifier(redaction, secret.id, true)];
  if (secret.arn !== undefined) keep.push(judgeIdentifier(redaction, secret.arn, true));
  if (secret.name !== undefined) keep.push(judgeIdentifier(redaction, secret.name, true));
  keep.push(judgeIdentifier(redaction, actor.principal, false));
  if (actor.sessionArn !== undefined) keep.push(judgeIdentifier(redaction, actor.sessionArn, false));
  redaction.keep = keep;
  return { finding: cleanFindingFields(redaction, finding), keep };
};

const cleanStages = (stages: VersionStages, keep: readonly string[]): VersionStages =>
  Object.fromEntries(
    Object.entries(stages).map(([id, labels]) => [redactEventText(id, keep), labels.map((label) => redactEventText(label, keep))]),
  );

const cleanResult = (result: ActionResult, keep: readonly string[]): ActionResult => ({
  ...result,
  reason: redactEventText(result.reason, keep),
  // The action writes where it acted from the secret's place; a result read back from the bus is
  // a claim all the same, and these two are free strings in its schema.
  ...(result.account === undefined ? {} : { account: redactEventIdentifier(result.account) }),
  ...(result.region === undefined ? {} : { region: redactEventIdentifier(result.region) }),
  ...(result.versionId === undefined ? {} : { versionId: redactEventText(result.versionId, keep) }),
  ...(result.before ? { before: cleanStages(result.before, keep) } : {}),
  ...(result.after ? { after: cleanStages(result.after, keep) } : {}),
  ...(result.state
    ? { state: { before: redactEventText(result.state.before, keep), after: redactEventText(result.state.after, keep) } }
    : {}),
});
