/**
 * Text from an event is hostile: any principal can put any string in a request parameter, and
 * CloudTrail copies it. Before such text is used it is made well formed (a lone UTF-16
 * surrogate makes `encodeURIComponent` throw, and some channels refuse it) and bounded; before
 * it reaches a sink (alerts, logs, the replay report, the ledger, a dead letter) it is redacted
 * (shared/alerts/redact.ts). What counts as an identifier is decided here by its shape: only an
 * id Secrets Manager itself would accept (or an ARN, for a caller) is judged as an identifier;
 * anything else is free text, however it was labelled.
 */
import { redactFreeText, redactIdentifier } from './redact.js';

/**
 * How much of one text from an event is kept, in UTF-16 code units.
 *
 * - `identifierChars` 2048: the most Secrets Manager accepts as a `SecretId` (and as an ARN);
 *   a principal or session ARN is shorter. An id cut at this length was not a real one anyway.
 * - `freeTextChars` 2000: an error message, user agent, annotation or reason. The widest place
 *   that shows one whole is a Slack section field (2000 characters); a Config annotation is at
 *   most 256, a CloudTrail error message rarely past a few hundred. Past this, what is left is
 *   noise, and every regular expression the redactor runs stays cheap on what is kept.
 */
export const TEXT_LIMITS = { identifierChars: 2048, freeTextChars: 2000 } as const;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** ES2024's `isWellFormed` (Node 20+), which the ES2023 typings do not declare. */
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * `text` with every lone surrogate replaced by U+FFFD, as a UTF-8 encoder would (ES2024 `toWellFormed`).
 * Nearly every text is well formed already: the native check spares it the pattern's scan.
 */
export const wellFormed = (text: string): string => (isWellFormed(text) ? text : text.replace(LONE_SURROGATE, '\uFFFD'));

/**
 * `text`, well formed and at most `max` code units, saying how much was cut (so a reader knows
 * the end is missing) — never splitting a surrogate pair.
 */
export const boundText = (text: string, max: number = TEXT_LIMITS.freeTextChars): string => {
  if (text.length <= max) return wellFormed(text);
  const marker = ` … [${text.length - max} more characters cut]`;
  return wellFormed(text.slice(0, Math.max(max - marker.length, 0))) + marker;
};

// Secrets Manager names: 1–512 of letters, digits and /_+=.@- (CreateSecret's Name).
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
// arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>. The
// suffix is optional: Secrets Manager also takes a partial ARN (without it) as a SecretId.
const SECRET_ARN =
  /^arn:aws(?:-[a-z]+)*:secretsmanager:[a-z]{2}(?:-[a-z]+)+-\d{1,2}:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}(?:-[A-Za-z0-9]{6})?$/;
/** A principal: an ARN of printable characters without spaces, or a service's DNS-like name. */
const PRINCIPAL = /^(?:arn:[a-z0-9-]+:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:[\x21-\x7E]+|[A-Za-z0-9][A-Za-z0-9.-]*)$/;

/** A name or ARN Secrets Manager would accept as a secret's id: only such an id is worth a call. */
export const isSecretsManagerId = (id: string): boolean =>
  id.length <= TEXT_LIMITS.identifierChars && (SECRET_NAME.test(id) || SECRET_ARN.test(id));

/** Shaped like a principal (or secret) identifier: judged by the identifier rules; else free text. */
const isIdentifierShaped = (id: string): boolean =>
  isSecretsManagerId(id) || (id.length <= TEXT_LIMITS.identifierChars && PRINCIPAL.test(id));

/**
 * Free text from an event, bounded and redacted: every rule. `keep`: identifiers shown anyway,
 * left whole where the text quotes them.
 */
export const redactEventText = (text: string, keep: readonly string[] = []): string => redactFreeText(boundText(text), keep);

/**
 * Something an event says is an identifier (a secret id, a principal), bounded and redacted: by
 * the identifier rules when it has an identifier's shape, else as free text (a "SecretId" of
 * prose is prose, and may hold anything).
 */
export const redactEventIdentifier = (text: string): string =>
  isIdentifierShaped(text) ? redactIdentifier(text) : redactFreeText(boundText(text, TEXT_LIMITS.identifierChars));
