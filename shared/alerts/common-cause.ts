/**
 * What the findings of a storm share, as a pure analysis: one caller, one user agent, one secret
 * name prefix, one rotation function — and, where they do not share one, how they divide (counts
 * by caller and by prefix, the largest first). A storm of a thousand findings usually has one
 * cause; a digest that says it first spares on-call reading a thousand lines to find it.
 *
 * Works on text the digest model has already redacted: it compares and counts, and adds nothing
 * from an event of its own.
 */

/** The facts of one finding the analysis compares (a digest item has them all). */
export interface CauseFacts {
  /** The secret as its alert names it: a name such as `prod/payments/db`, else what an ARN says. */
  readonly secret: string;
  /** Who made the call (a principal ARN); absent when no caller is known (found by the sweep). */
  readonly caller?: string;
  readonly userAgent?: string;
  /** The rotation function the finding names (rotation rules). */
  readonly rotationFunction?: string;
}

/** One value and how many findings have it. */
export interface Tally {
  readonly value: string;
  readonly count: number;
}

/** How the findings divide by one fact: the largest groups, and how many groups and findings are left. */
export interface Breakdown {
  readonly top: readonly Tally[];
  /** Groups not in `top`. */
  readonly otherGroups: number;
  /** Findings in those groups. */
  readonly otherFindings: number;
}

/** What every finding of the storm has in common, and how they divide where they do not. */
export interface CommonCause {
  readonly count: number;
  /** Every finding has this caller (none without one). */
  readonly caller?: string;
  readonly userAgent?: string;
  /** The longest path prefix (ending in `/`) every secret name starts with. */
  readonly prefix?: string;
  /** Every finding is about this one secret. */
  readonly secret?: string;
  readonly rotationFunction?: string;
  /** Distinct secrets. */
  readonly secrets: number;
  readonly byCaller: Breakdown;
  readonly byPrefix: Breakdown;
}

/** How findings without a caller are counted (found by the sweep, or the event named none). */
export const NO_CALLER = '(no caller)';
/** The group of names with no folder below the common prefix, when that prefix is empty. */
export const TOP_LEVEL = '(no prefix)';

/** Groups shown by name in a breakdown; the rest are counted. */
export const TOP_GROUPS = 5;

/** The one value every item has, or undefined (an item without one breaks it). */
const sharedValue = (values: readonly (string | undefined)[]): string | undefined => {
  const [first] = values;
  if (first === undefined || first === '') return undefined;
  return values.every((value) => value === first) ? first : undefined;
};

/** The folders of a name: `prod/payments/db` → `['prod', 'payments']` (the last segment is the secret's own). */
const foldersOf = (name: string): string[] => name.split('/').slice(0, -1);

/**
 * The longest prefix of whole folders every name starts with, ending in `/`; empty when they
 * share none. `prod/payments/db` and `prod/payments/api` → `prod/payments/`; a prefix is never
 * cut inside a segment (`prod/pay` and `prod/payroll` share `prod/`).
 * @example
 * commonPathPrefix(['prod/payments/db', 'prod/orders/db']) // 'prod/'
 */
export const commonPathPrefix = (names: readonly string[]): string => {
  if (names.length === 0) return '';
  let shared = foldersOf(names[0] ?? '');
  for (const name of names.slice(1)) {
    const folders = foldersOf(name);
    let n = 0;
    while (n < shared.length && n < folders.length && shared[n] === folders[n]) n++;
    shared = shared.slice(0, n);
    if (shared.length === 0) return '';
  }
  return shared.length === 0 ? '' : `${shared.join('/')}/`;
};

/**
 * The group a name is counted in: the common prefix and the next folder below it
 * (`prod/` → `prod/payments/`), or the common prefix itself for a name directly in it.
 */
export const prefixGroupOf = (name: string, common: string): string => {
  const rest = name.slice(common.length);
  const slash = rest.indexOf('/');
  if (slash >= 0) return `${common}${rest.slice(0, slash + 1)}`;
  return common === '' ? TOP_LEVEL : common;
};

/** Counts of each value, the largest first (ties by value, so the same storm reads the same). */
export const breakdownOf = (values: readonly string[], top: number = TOP_GROUPS): Breakdown => {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  const sorted = [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const shown = sorted.slice(0, Math.max(top, 0));
  const rest = sorted.slice(shown.length);
  return { top: shown, otherGroups: rest.length, otherFindings: rest.reduce((sum, t) => sum + t.count, 0) };
};

/**
 * What `items` share, and how they divide by caller and by name prefix.
 * @example
 * commonCauseOf(items).caller // 'arn:aws:iam::123456789012:user/alice' when she made every call
 */
export const commonCauseOf = (items: readonly CauseFacts[], { top = TOP_GROUPS }: { readonly top?: number } = {}): CommonCause => {
  const names = items.map((item) => item.secret);
  const prefix = commonPathPrefix(names);
  const caller = sharedValue(items.map((item) => item.caller));
  const userAgent = sharedValue(items.map((item) => item.userAgent));
  const rotationFunction = sharedValue(items.map((item) => item.rotationFunction));
  const secrets = new Set(names).size;
  const secret = secrets === 1 ? names[0] : undefined;
  return {
    count: items.length,
    ...(caller ? { caller } : {}),
    ...(userAgent ? { userAgent } : {}),
    ...(prefix ? { prefix } : {}),
    ...(secret ? { secret } : {}),
    ...(rotationFunction ? { rotationFunction } : {}),
    secrets,
    byCaller: breakdownOf(
      items.map((item) => item.caller || NO_CALLER),
      top,
    ),
    byPrefix: breakdownOf(
      names.map((name) => prefixGroupOf(name, prefix)),
      top,
    ),
  };
};
