/**
 * Keeps secret-looking values out of alerts. CloudTrail never carries a secret's value, but
 * free text in an event can: a rotation function's error message that prints a connection
 * string, a user agent someone set to a token, an annotation pasted from a terminal. The alert
 * model passes every string that came from an event through one of two functions here, by
 * what the string is:
 *
 * - {@link redactFreeText} for prose (error messages, user agents, reasons built from event
 *   fields, notes, annotations, action results): every rule below, including the generic one
 *   for long random-looking tokens.
 * - {@link redactIdentifier} for identifiers the alert must show verbatim (secret name / ARN,
 *   principal and session ARNs): only the precise rules (key blocks, AWS key ids, JWTs, vendor
 *   tokens, `user:password@` in URLs, `password=` values). The generic rule is left out on
 *   purpose: a long random-looking secret name is still the name on-call has to type.
 *
 * Callers pass text already bounded and well formed (shared/contracts/hostile-text.ts): the rules
 * here are linear in the text, but a megabyte of it is still a megabyte per rule.
 *
 * The boundary, honestly: this is pattern matching, not proof. A password written as plain
 * prose ("the password is hunter2"), a short random token (under 24 characters), or a value
 * made of dictionary words is not recognised. The generic rule catches every mixed-case or hex
 * token of 40+ characters in the tests' samples, but only most shorter ones and ~95% of
 * lowercase-and-digit ones (measured in test/contracts/redact.test.ts). Identifiers are never
 * judged by the generic rule, so a secret value used *as* a secret's name is shown. A key
 * followed by `: ` right after a `/` is read as a path in prose ("prod/db-password: rotated"),
 * not as a setting. What is recognised is replaced whole (no prefix or suffix kept), so no part
 * of it reaches any channel.
 */

/** What replaces a recognised value; says what kind it looked like, never any of its characters. */
export const redactedAs = (kind: string): string => `[REDACTED ${kind}]`;

interface Rule {
  readonly kind: string;
  readonly pattern: RegExp;
  /**
   * Something every match contains (a literal, a separator), tested first: most text from an
   * event holds none of them, and one cheap test saves the full pattern's scan. Classify redacts
   * every string of every finding, so this is most of its time.
   */
  readonly cue: RegExp;
  /** Builds the replacement from the match; default: the whole match becomes the marker. */
  readonly replace?: (match: string, ...groups: string[]) => string;
}

// Token characters: base64, base64url and the separators tokens are written with.
const TOKEN = 'A-Za-z0-9+/=_-';

/**
 * A value: a JSON object, a string quoted with escaped quotes (JSON inside a JSON string, as an
 * error message quotes a request body: `\\"password\\":\\"x\\"`), a quoted string, or a bare word
 * (not one already masked).
 */
const VALUE = `(?!\\[REDACTED)(\\{[^{}]*\\}|\\\\"(?:[^"\\\\]|\\\\[^"])*\\\\"|"[^"]*"|'[^']*'|[^\\s,;&"'}\\])]+)`;

/** The quote that closes a JSON key, escaped (`\\"`) when the JSON is itself inside a string. */
const CLOSE_QUOTE = `(?:\\\\?["'])?`;

/**
 * `key=value`, `key: value`, `"key": "value"` for keys matching `key` (a regex source). The key
 * starts a word; the `:` form also must not follow a `/` (a path quoted in prose).
 */
const keyValue = (key: string): RegExp =>
  new RegExp(`(?<![A-Za-z0-9_-])((?:(?<!/)(?:${key})${CLOSE_QUOTE}\\s*:|(?:${key})${CLOSE_QUOTE}\\s*=)\\s*)${VALUE}`, 'gi');

/**
 * What every match of the two key=value rules below holds: a key ending in one of these words
 * (each key alternative ends so), its closing quote, then `:` or `=`. A `secret` directly after a
 * `:` and before a `:` is left out: no key alternative reads so (`client_secret`, `app-secret`,
 * `"secret"`, `secret=` do), and every secret ARN holds `:secret:`, so the cue would fire on each.
 */
const KEY_VALUE_CUE =
  /(?:word|wd|phrase|pwd|key|string|binary|value|token|credentials?)(?:\\?["'])?\s*[:=]|(?<!:)secret(?:\\?["'])?\s*:|secret(?:\\?["'])?\s*=/i;

/**
 * Precise rules: shapes that are secrets wherever they appear. Order matters: a private key
 * block before the generic rule (its body is base64), `Bearer x` before `Authorization: x`.
 */
const preciseRules: readonly Rule[] = [
  {
    kind: 'private key',
    cue: /PRIVATE KEY/,
    // An unterminated block (cut by CloudTrail's field limit) runs to the end of the text.
    pattern: /-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  { kind: 'JWT', cue: /eyJ/, pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g },
  // Access key ids (AKIA long-term, ASIA temporary): not secret alone, but half of a credential.
  { kind: 'AWS access key id', cue: /AKIA|ASIA/, pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  { kind: 'Slack token', cue: /xox[abeoprs]-|xapp-/, pattern: /(?<![A-Za-z0-9])(?:xox[abeoprs]|xapp)-[A-Za-z0-9-]{8,}/g },
  {
    kind: 'Slack webhook',
    cue: /hooks\.slack\.com\//,
    pattern: /(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9/_-]+/g,
    replace: (_m, host = '') => `${host}${redactedAs('Slack webhook')}`,
  },
  {
    kind: 'GitHub token',
    cue: /gh[pousr]_|github_pat_/,
    pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
  },
  { kind: 'GitLab token', cue: /glpat-/, pattern: /(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}/g },
  { kind: 'Stripe key', cue: /_(?:live|test)_/, pattern: /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}/g },
  { kind: 'Google API key', cue: /AIza/, pattern: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}/g },
  { kind: 'npm token', cue: /npm_/, pattern: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}/g },
  {
    kind: 'password',
    cue: /:\/\//,
    // scheme://user:password@host — keeps scheme, user and host, which say where, not how. The
    // user may be empty (`redis://:pw@host`); the password may hold `/` and `@` (a URL parser
    // would stop early, and leak the rest): it runs to the last `@` of the URL.
    pattern: /([a-z][a-z0-9+.-]{1,30}:\/\/[^\s:/@"'<>]*:)(?:[^\s"'<>]|\\")+@/gi,
    replace: (_m, head = '') => `${head}${redactedAs('password')}@`,
  },
  {
    kind: 'credential',
    cue: /Bearer|Basic|Digest/,
    // Not a plain lowercase word: "Basic authentication" is prose.
    pattern: /\b(Bearer|Basic|Digest)(\s+)(?![a-z]+(?![A-Za-z0-9._~+/=-]))[A-Za-z0-9._~+/=-]{8,}/g,
    replace: (_m, scheme = '', space = '') => `${scheme}${space}${redactedAs('credential')}`,
  },
  {
    kind: 'value',
    cue: KEY_VALUE_CUE,
    // key=value / key: value / "key": "value" for keys that can only name a credential
    // (DB_PASSWORD, x-api-key, SecretString, client_secret). A key starts a word; with `:` it
    // must not end a path either, since a secret's name is quoted that way ("prod/crm/api-token:
    // scheduled for deletion").
    pattern: keyValue(
      '[A-Za-z0-9_-]*?(?:pass(?:word|wd|phrase)|pwd|secret[_-]?(?:access[_-]?)?key|secret[_-]?(?:string|binary|value)|client[_-]?secret|(?:access|refresh|auth|session|id|api|bearer)[_-]?token|api[_-]?key|private[_-]?key)',
    ),
    replace: (_m, head = '') => `${head}${redactedAs('value')}`,
  },
  {
    kind: 'value',
    cue: KEY_VALUE_CUE,
    // Keys that are also plain words (secret, token, credentials): only as a setting — `=`, a
    // quoted JSON key, or joined to a qualifier (`app_secret: x`) — since prose says "the
    // secret: prod/db" and an ARN says `:secret:prod/db`, and both mean a name.
    pattern: keyValue(
      '(?:[A-Za-z0-9]+[_-])+(?:secret|token|credentials?)|(?<=")(?:secret|token|credentials?)(?=")|(?:secret|token|credentials?)(?=\\s*=)',
    ),
    replace: (_m, head = '') => `${head}${redactedAs('value')}`,
  },
];

// Identifier shapes that look random but are not secrets: cut out before the generic rule judges.
const UUID = /[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}/gi;
const AWS_RESOURCE_ID = /\b(?:vpce|vpc|subnet|sg|eni|i|ami|snap|vol|rtb|igw|nat|acl|mrk|o|ou|r|p)-[0-9a-z]{4,32}\b/g;
/**
 * An AWS secret access key: exactly 40 base64 characters with capitals, lowercase and digits,
 * ending at a separator (`/` included: a key pasted into a path is still a key). Free text only
 * (a 40-character name would be an identifier).
 */
const AWS_SECRET_KEY =
  /(?<![A-Za-z0-9+])(?=[A-Za-z0-9+/]{0,39}[A-Z])(?=[A-Za-z0-9+/]{0,39}[a-z])(?=[A-Za-z0-9+/]{0,39}\d)[A-Za-z0-9+/]{40}(?![A-Za-z0-9+])/g;
const CANDIDATE = new RegExp(`[${TOKEN}]{24,}`, 'g');
/**
 * What any text the generic rule would mask holds: a run of 16 letters and digits (a token judged
 * random has one, see {@link looksRandom}) or the 40 characters of an AWS secret key. An ARN, a
 * UUID or a sentence has neither, and skips the protected ranges and both scans.
 */
const mayHoldRandomToken = (text: string): boolean => {
  // One pass counting both runs: the regular expression `[A-Za-z0-9]{16}|[A-Za-z0-9+/]{40}`
  // says the same but backtracks up to 40 characters at every position, and this test runs on
  // every string of every finding.
  let alphanumeric = 0;
  let base64 = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      alphanumeric++;
      base64++;
    } else if (c === 43 || c === 47) {
      alphanumeric = 0;
      base64++;
    } else {
      alphanumeric = 0;
      base64 = 0;
    }
    if (alphanumeric >= 16 || base64 >= 40) return true;
  }
  return false;
};

/** Shannon entropy in bits per character. */
const entropy = (text: string): number => {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
};

const classOf = (c: string): 'upper' | 'lower' | 'digit' | undefined =>
  c >= 'A' && c <= 'Z' ? 'upper' : c >= 'a' && c <= 'z' ? 'lower' : c >= '0' && c <= '9' ? 'digit' : undefined;

/**
 * Does this token look random (a key, a password, a hash) rather than made of words? It does
 * when one of its runs of 16+ letters and digits does (a short random piece inside a name, like
 * the 6-character suffix of a secret ARN `-Cr7mAp`, is not enough). Random text changes
 * character class often (`q7Rw2K`), scatters its digits (`a1b2c3`), and its lowercase letters
 * are rarely vowels; names are made of words (`GitHubActionsDeployRole`, `payments-db-v2`).
 * Hex is judged apart (a hash or key of 32+ digits). Calibrated on the identifiers in the
 * sample events (ARNs, SSO role names, user agents, session names) against random base64,
 * base64url, alphanumeric and hex strings of 24 to 64 characters (test/contracts/redact.test.ts).
 */
export const looksRandom = (token: string): boolean => (token.match(/[A-Za-z0-9]{16,}/g) ?? []).some(randomRun);

const randomRun = (run: string): boolean => {
  if (/^[0-9a-f]+$/i.test(run)) return run.length >= 32 && /\d/.test(run) && /[a-f]/i.test(run);
  const classes = [...run].map(classOf);
  let changes = 0;
  for (let i = 1; i < classes.length; i++) if (classes[i] !== classes[i - 1]) changes++;
  const changeRate = changes / (classes.length - 1);
  const capitals = run.match(/[A-Z]/g)?.length ?? 0;
  const lowers = run.match(/[a-z]/g) ?? [];
  const vowelRate = lowers.length === 0 ? 0 : lowers.filter((c) => 'aeiouy'.includes(c)).length / lowers.length;
  const digitGroups = run.match(/\d+/g)?.length ?? 0;
  if (entropy(run) < 3.3) return false;
  // Lowercase and digits, few class changes: random only if unpronounceable (no words in it).
  if (changeRate < 0.3) return capitals === 0 && digitGroups >= 2 && vowelRate < 0.3;
  // Capitals that start a lowercase word (CamelCase), pronounceable lowercase: words.
  const wordStartRate = capitals === 0 ? 0 : (run.match(/[A-Z][a-z]{2,}/g)?.length ?? 0) / capitals;
  if (wordStartRate >= 0.6 && vowelRate >= 0.3) return false;
  return digitGroups >= 3 || changeRate >= (run.length >= 32 ? 0.4 : 0.45) || (capitals >= 3 && wordStartRate < 0.34 && vowelRate < 0.3);
};

/**
 * The generic rule: long random-looking tokens. UUIDs, AWS resource ids and the identifiers in
 * `keep` (already shown elsewhere in the alert) are left alone.
 */
const maskRandomTokens = (text: string, keep: readonly string[]): string => {
  // Without a piece the generic rule could mask there is nothing to judge, and no need to find
  // the protected ranges.
  if (!mayHoldRandomToken(text)) return text;
  let out = '';
  let at = 0;
  for (const [start, end] of protectedRanges(text, keep)) {
    out += maskPiece(text.slice(at, start)) + text.slice(start, end);
    at = end;
  }
  return out + maskPiece(text.slice(at));
};

const maskPiece = (piece: string): string =>
  piece
    .replace(AWS_SECRET_KEY, redactedAs('AWS secret access key'))
    .replace(CANDIDATE, (token) => (looksRandom(token) ? redactedAs('token') : token));

/**
 * Where `text` quotes a kept identifier, a UUID or an AWS resource id: `[start, end)` ranges,
 * in order, not overlapping (at one start the longest wins). Kept identifiers are found by
 * plain search, not by one regular expression built from them: an identifier is event text, and
 * a long one would make that expression too large to compile ("Regular expression too large").
 */
const protectedRanges = (text: string, keep: readonly string[]): [number, number][] => {
  const lower = text.toLowerCase();
  // Only identifiers long enough to hold a random run themselves: a short one (`alice`) inside
  // a token would split it into pieces too short to judge.
  const kept = [...new Set(keep.filter((k) => k.length >= 16 && k.length <= text.length).map((k) => k.toLowerCase()))];
  const found: [number, number][] = [];
  for (const k of kept) for (let i = lower.indexOf(k); i >= 0; i = lower.indexOf(k, i + k.length)) found.push([i, i + k.length]);
  for (const shape of [UUID, AWS_RESOURCE_ID]) for (const m of text.matchAll(shape)) found.push([m.index, m.index + m[0].length]);
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const ranges: [number, number][] = [];
  for (const range of found) if (range[0] >= (ranges.at(-1)?.[1] ?? 0)) ranges.push(range);
  return ranges;
};

/**
 * Any rule's cue, in one case-insensitive scan: most text (ARNs, names, sentences) holds none, and
 * one scan instead of one per rule is most of what redacting it costs. A superset of every cue
 * (case folded), so a text it rejects is one no rule would change.
 */
const ANY_CUE = new RegExp(preciseRules.map((rule) => `(?:${rule.cue.source})`).join('|'), 'i');

const applyPreciseRules = (text: string): string =>
  !ANY_CUE.test(text)
    ? text
    : preciseRules.reduce(
        (out, rule) =>
          !rule.cue.test(out)
            ? out
            : out.replace(rule.pattern, (match, ...groups: unknown[]) =>
                rule.replace ? rule.replace(match, ...groups.map(String)) : redactedAs(rule.kind),
              ),
        text,
      );

/**
 * Prose that came from an event, with every secret-looking value replaced by a marker.
 * `keep`: identifiers the alert shows anyway (the secret's name and ARN, the principal), left
 * whole where the prose quotes them; pass them as {@link redactIdentifier} returned them.
 * @example
 * redactFreeText('connect failed: postgres://app:S3cret!@db:5432/x') // 'connect failed: postgres://app:[REDACTED password]@db:5432/x'
 */
export const redactFreeText = (text: string, keep: readonly string[] = []): string =>
  INERT.test(text) ? text : maskRandomTokens(applyPreciseRules(text), keep);

/**
 * Text no rule can change: digits, `T`, `Z` and the separators of numbers, times and account ids
 * (`2026-11-24T10:15:00Z`, `123456789012`). Every precise rule needs a letter other than T or Z
 * (or `_`, `/`, a space), and the generic rule needs lowercase or a–f: a finding holds several
 * such strings, and this one test spares each the scans.
 */
const INERT = /^[0-9TZ:.+-]*$/;

/**
 * An identifier the alert must show (secret name or ARN, principal ARN): only the precise rules
 * apply, so a legitimate name always survives whole.
 */
export const redactIdentifier = (text: string): string => (INERT.test(text) ? text : applyPreciseRules(text));

/**
 * The prefilters and what they stand in for, for the property test that holds each prefilter to
 * its rules (test/contracts/redact.cues.test.ts): a prefilter that rejected a text a rule matches
 * would let a secret through.
 * @internal
 */
export const prefilters = {
  preciseRules,
  anyCue: ANY_CUE,
  inert: INERT,
  mayHoldRandomToken,
  awsSecretKey: AWS_SECRET_KEY,
  candidate: CANDIDATE,
} as const;
