/**
 * The redaction boundary: a finding (and its action's result) with every string that came from
 * an event passed through `redact.ts`, in the same shapes, before anything renders it. Rendering
 * code then cannot forget a field: there is no raw string left to forget.
 *
 * Identifiers the alert must show verbatim go through {@link redactIdentifier}; every other
 * string (new evidence fields included, by default) through {@link redactFreeText}, which leaves
 * those identifiers whole where prose quotes them.
 */
import type { ActionResult, Finding, VersionStages } from '../contracts/finding.js';
import { redactFreeText, redactIdentifier } from './redact.js';

/** Paths (in the finding) of identifiers: shown as they are unless a precise secret shape is in them. */
const IDENTIFIER_PATHS: ReadonlySet<string> = new Set(['secret.id', 'secret.arn', 'secret.name', 'actor.principal', 'actor.sessionArn', 'evidence.deniedSecrets']);

export interface CleanAlertInput {
  readonly finding: Finding;
  readonly result?: ActionResult;
}

/** The finding and result, redacted; numbers, booleans and field names are kept as they are. */
export const cleanFinding = (finding: Finding, result?: ActionResult): CleanAlertInput => {
  const identifiers = {
    secret: {
      id: redactIdentifier(finding.secret.id),
      ...(finding.secret.arn === undefined ? {} : { arn: redactIdentifier(finding.secret.arn) }),
      ...(finding.secret.name === undefined ? {} : { name: redactIdentifier(finding.secret.name) }),
    },
    principal: redactIdentifier(finding.actor.principal),
    ...(finding.actor.sessionArn === undefined ? {} : { sessionArn: redactIdentifier(finding.actor.sessionArn) }),
  };
  const keep = [identifiers.secret.id, identifiers.secret.arn, identifiers.secret.name, identifiers.principal, identifiers.sessionArn].filter(
    (k): k is string => k !== undefined,
  );
  const clean = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') return IDENTIFIER_PATHS.has(path) ? redactIdentifier(value) : redactFreeText(value, keep);
    if (Array.isArray(value)) return value.map((item) => clean(item, path));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, clean(item, path === '' ? key : `${path}.${key}`)]));
    }
    return value;
  };
  const cleaned = clean(finding, '') as Finding;
  return {
    finding: cleaned,
    ...(result ? { result: cleanResult(result, keep) } : {}),
  };
};

const cleanStages = (stages: VersionStages, keep: readonly string[]): VersionStages =>
  Object.fromEntries(Object.entries(stages).map(([id, labels]) => [redactFreeText(id, keep), labels.map((label) => redactFreeText(label, keep))]));

const cleanResult = (result: ActionResult, keep: readonly string[]): ActionResult => ({
  ...result,
  reason: redactFreeText(result.reason, keep),
  ...(result.versionId === undefined ? {} : { versionId: redactFreeText(result.versionId, keep) }),
  ...(result.before ? { before: cleanStages(result.before, keep) } : {}),
  ...(result.after ? { after: cleanStages(result.after, keep) } : {}),
  ...(result.state ? { state: { before: redactFreeText(result.state.before, keep), after: redactFreeText(result.state.after, keep) } } : {}),
});
