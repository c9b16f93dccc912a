/**
 * The policy document — YAML as read, or the JSON the packaging ships — validated, with the
 * stage's overrides applied. No YAML here: the functions load this and the JSON only, so their
 * bundles carry no YAML parser.
 */
import type * as z from 'zod';
import { PolicyError, type PolicySource } from './errors.js';
import { fieldsAt, type Policy, PolicySchema } from './schema.js';

type Mapping = Record<string, unknown>;

const isMapping = (value: unknown): value is Mapping => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Validates a policy document and returns the policy in force for `options.stage`: the base
 * document with `stages.<stage>` deep-merged over it (mappings merge key by key; lists and
 * scalars replace). A stage without an override gets the base; an empty file means all defaults.
 * `stages` is returned as written, without defaults.
 *
 * @throws PolicyError naming every field at fault, e.g.
 *   `policy.yml (stage prod): invalid policy: stages.prod.mode: expected "dry-run" or "enforce", received "enforcing"`
 *
 * @example
 * const policy = policyFromDocument(JSON.parse(readFileSync('policy.json', 'utf8')), { stage: 'prod', source: 'policy.json' });
 */
export const policyFromDocument = (parsed: unknown, options: PolicySource): Policy => {
  // An empty document (or only comments) is null: every field takes its default.
  const document = parsed ?? {};

  // The whole document first, `stages` included: a typo under `stages.prod` is reported as
  // such even when deploying dev, rather than waiting for the prod deploy to find it.
  const base = PolicySchema.safeParse(document);
  if (!base.success) throw new PolicyError(options, problemsOf(base.error), { cause: base.error });

  const stages = isMapping(document) && isMapping(document.stages) ? document.stages : {};
  const override = Object.hasOwn(stages, options.stage) ? stages[options.stage] : undefined;
  if (!isMapping(override)) return base.data;

  // Each part is valid on its own; this only catches what the two make together.
  const merged = PolicySchema.safeParse(deepMerge(document as Mapping, override));
  if (!merged.success) {
    const problems = problemsOf(merged.error).map((problem) => `${problem} (with stages.${options.stage} applied)`);
    throw new PolicyError(options, problems, { cause: merged.error });
  }
  return merged.data;
};

/** Mappings merge key by key; anything else in the override (lists, scalars, null) replaces. */
const deepMerge = (base: Mapping, override: Mapping): Mapping =>
  // fromEntries, not assignment: a `__proto__` key in a mapping stays a key.
  Object.fromEntries([
    ...Object.entries(base).filter(([key]) => !Object.hasOwn(override, key)),
    ...Object.entries(override).map(([key, value]) => {
      const current = base[key];
      return [key, isMapping(current) && isMapping(value) ? deepMerge(current, value) : value] as const;
    }),
  ]);

/** One `path: what is wrong` per fault; an unknown key is reported at its own path, with a suggestion. */
const problemsOf = (error: z.ZodError): string[] =>
  error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => `${formatPath([...issue.path, key])}: ${unknownField(key, issue.path)}`);
    // A bad record key: its own check's message says what a key should be.
    const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    return [`${formatPath(issue.path)}: ${message}`];
  });

const unknownField = (key: string, path: readonly PropertyKey[]): string => {
  if (key === 'stages' && path.length === 2 && path[0] === 'stages') return 'unknown field: a stage override cannot contain "stages"';
  const known = fieldsAt(path);
  const suggestion = closest(key, known);
  if (suggestion) return `unknown field (did you mean "${suggestion}"?)`;
  return known.length > 0 ? `unknown field; expected one of ${known.join(', ')}` : 'unknown field';
};

/** `rotation.functions.byNamePrefix["prod/"]`, `vpcEndpoints[0].secrets`; `(top)` for the document itself. */
const formatPath = (path: readonly PropertyKey[]): string => {
  const text = path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const name = String(segment);
      return /^[A-Za-z_][\w-]*$/.test(name) ? `${index === 0 ? '' : '.'}${name}` : `[${JSON.stringify(name)}]`;
    })
    .join('');
  return text || '(top)';
};

/** The known field nearest to a misspelt one, if it is near enough to be what was meant. */
const closest = (key: string, known: readonly string[]): string | undefined => {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
};

/** Levenshtein distance, one row at a time. */
const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
};
