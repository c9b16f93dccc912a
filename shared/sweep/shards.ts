/**
 * Shards of an account for ListSecrets: sets of name prefixes that one paged read covers, and how
 * a shard is split into smaller ones. Pure: no I/O, so the coverage argument can be tested alone.
 *
 * Coverage. A shard `P` holds the names that start with `P`. Every such name is either `P` itself
 * or starts with `P + c` for exactly one character `c`, so the children `P + c` over every
 * character a name can hold, plus the one name `P`, cover `P` exactly once. The children are
 * ListSecrets `name` filters (case-sensitive prefixes); the name `P` no filter can single out, so
 * it is looked up (see `SplitPlan.exactNames`).
 *
 * A split can go down several characters at once, to `L` longer than `P` (when every sampled name
 * starts with `L`): applying the argument at each level between, the cover is the siblings
 * `L[0..k) + c` (c ≠ L[k]) at each level k, the names `P` … `L`, and the children `L + c`.
 */

/** ASCII letters, digits and `/_+=.@-`: what CreateSecret allows in a name. */
export const NAME_START_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+=.@-';

/**
 * After the first character, also `!`: the secrets RDS and Redshift manage for you are named
 * `rds!db-…`, `rds!cluster-…`. A filter value cannot start with `!` (that negates it), which is
 * fine: no name starts with one.
 */
export const NAME_CHARS = `${NAME_START_CHARS}!`;

/** What a ListSecrets filter value may contain (AWS: `^\!?[a-zA-Z0-9 :_@\/\+\=\.\-\!]*$`). */
const FILTER_CHAR = /^[a-zA-Z0-9 :_@/+=.\-!]$/;

/** Names and filter values are at most 512 characters: a prefix that long has no children. */
export const MAX_NAME_LENGTH = 512;

/** ListSecrets ORs at most 10 values in one filter. */
export const MAX_PREFIXES_PER_CALL = 10;

/**
 * A shard: one prefix (`chars` absent; the empty prefix is the whole account), or a group of
 * prefixes `prefix + c` for each character of `chars` (2 to 10), read with one ORed filter.
 */
export interface ShardSpec {
  readonly prefix: string;
  readonly chars?: string;
}

/** The `name` filter values that read a shard; undefined for the whole account (no filter). */
export const prefixesOf = (spec: ShardSpec): string[] | undefined => {
  if (spec.chars !== undefined) return [...spec.chars].map((c) => spec.prefix + c);
  return spec.prefix === '' ? undefined : [spec.prefix];
};

/**
 * Whether a name belongs to the shard, checked here rather than trusted to the filter: a page
 * entry outside its shard (a filter applied case-insensitively, say) is dropped, never yielded
 * twice. It is listed by the shard it does belong to.
 */
export const inShard = (spec: ShardSpec, name: string): boolean => {
  if (!name.startsWith(spec.prefix)) return false;
  if (spec.chars === undefined) return true;
  const next = name[spec.prefix.length];
  return next !== undefined && spec.chars.includes(next);
};

/** The shard as a reader sees it in an error message or a log. */
export const describeShard = (spec: ShardSpec): string => {
  const prefixes = prefixesOf(spec);
  return prefixes === undefined ? 'the whole account' : `names starting with ${prefixes.map((p) => JSON.stringify(p)).join(' | ')}`;
};

/** A shard to read, with its estimated share of the account (0–1). */
export interface PlannedShard {
  readonly spec: ShardSpec;
  readonly share: number;
}

export interface SplitPlan {
  /** Disjoint, and together with `exactNames` exactly the names of the shard split. */
  readonly children: readonly PlannedShard[];
  /** The names equal to a prefix split at, which no child holds (none when splitting a group or the whole account). */
  readonly exactNames: readonly string[];
}

export interface SplitOptions {
  /** Children estimated below this share are packed together, up to 10 per shard and this share in total. */
  readonly maxGroupShare: number;
}

/**
 * Pseudo-count added to every child's sample count: a child absent from the sample still has an
 * estimated share (most such are empty, some are small), without drowning the children that were seen.
 */
const SMOOTHING = 0.1;

/** Go down a common prefix only on this much evidence: fewer names sharing one say little. */
const MIN_SAMPLE_TO_DESCEND = 10;

/**
 * Splits a shard, estimating each child's share from a sample of the shard's names (a page it
 * returned: AWS lists by creation date, so a page is a sample across the shard's names as long as
 * creation order is not name order). Children that the sample says are small are packed into
 * groups read with one ORed filter, which is what keeps the probing of empty or tiny prefixes cheap.
 *
 * Returns undefined when the shard cannot be split: a prefix at the maximum length, or a sampled
 * name holding a character no filter value could express (then no set of children would cover it).
 */
export const planSplit = (spec: ShardSpec, share: number, sample: readonly string[], options: SplitOptions): SplitPlan | undefined => {
  const { prefix, chars } = spec;
  if (chars !== undefined) {
    // A group: its members, each on its own (never regrouped, so splitting always makes progress).
    const counts = countNext(prefix, sample, chars);
    return {
      children: [...chars].map((c) => ({ spec: { prefix: prefix + c }, share: estimate(share, counts, c, chars.length) })),
      exactNames: [],
    };
  }
  if (prefix.length >= MAX_NAME_LENGTH) return undefined;
  const below = sample.filter((name) => name.length > prefix.length && name.startsWith(prefix));
  // Every level between P and L would be split one page (one round trip) at a time, to the same
  // children: go down to L at once.
  const target = below.length >= MIN_SAMPLE_TO_DESCEND ? commonPrefix(below).slice(0, MAX_NAME_LENGTH - 1) : prefix;
  const siblings: PlannedShard[] = [];
  const levelShare = (alphabet: string) => (share * SMOOTHING) / (below.length + SMOOTHING * alphabet.length);
  for (let k = prefix.length; k < target.length; k++) {
    const base = target.slice(0, k);
    const alphabet = alphabetAt(base);
    const off = [...alphabet].filter((c) => c !== target[k]).map((c) => ({ c, share: levelShare(alphabet) }));
    siblings.push(...pack(base, alphabet, off, options.maxGroupShare));
  }
  let alphabet = alphabetAt(target);
  for (const name of below) {
    const next = name.length > target.length ? name[target.length] : undefined;
    if (next === undefined || alphabet.includes(next)) continue;
    // A character outside the documented set: follow it when a filter can, else do not split.
    if (!FILTER_CHAR.test(next) || (target === '' && next === '!')) return undefined;
    alphabet += next;
  }
  const counts = countNext(target, below, alphabet);
  const children = [...alphabet].map((c) => ({ c, share: estimate(share, counts, c, alphabet.length) }));
  const exactNames: string[] = [];
  for (let length = Math.max(prefix.length, 1); length <= target.length; length++) exactNames.push(target.slice(0, length));
  return { children: [...pack(target, alphabet, children, options.maxGroupShare), ...siblings], exactNames };
};

/** The characters that can follow `base` in a name: no name starts with `!`. */
const alphabetAt = (base: string): string => (base === '' ? NAME_START_CHARS : NAME_CHARS);

/** The longest prefix every name shares (names is not empty). */
const commonPrefix = (names: readonly string[]): string => {
  let common = names[0] ?? '';
  for (const name of names) {
    let length = 0;
    while (length < common.length && length < name.length && common[length] === name[length]) length++;
    common = common.slice(0, length);
  }
  return common;
};

/** How many sampled names continue the prefix with each character. */
const countNext = (prefix: string, sample: readonly string[], alphabet: string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const name of sample) {
    const next = name.length > prefix.length && name.startsWith(prefix) ? name[prefix.length] : undefined;
    if (next !== undefined && alphabet.includes(next)) counts.set(next, (counts.get(next) ?? 0) + 1);
  }
  return counts;
};

const estimate = (share: number, counts: ReadonlyMap<string, number>, c: string, children: number): number => {
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  return (share * ((counts.get(c) ?? 0) + SMOOTHING)) / (total + SMOOTHING * children);
};

/**
 * First-fit decreasing: the children over `maxGroupShare` alone, the others into groups of at
 * most 10 whose shares add up to at most `maxGroupShare`. Characters keep the alphabet's order
 * within a group, so a plan is the same for the same sample.
 */
const pack = (
  prefix: string,
  alphabet: string,
  children: readonly { readonly c: string; readonly share: number }[],
  maxGroupShare: number,
): PlannedShard[] => {
  const alone: PlannedShard[] = [];
  const groups: { chars: string[]; share: number }[] = [];
  const bySize = [...children].sort((a, b) => b.share - a.share || alphabet.indexOf(a.c) - alphabet.indexOf(b.c));
  for (const child of bySize) {
    if (child.share > maxGroupShare) {
      alone.push({ spec: { prefix: prefix + child.c }, share: child.share });
      continue;
    }
    const group = groups.find((g) => g.chars.length < MAX_PREFIXES_PER_CALL && g.share + child.share <= maxGroupShare);
    if (group) {
      group.chars.push(child.c);
      group.share += child.share;
    } else {
      groups.push({ chars: [child.c], share: child.share });
    }
  }
  const grouped = groups.map(({ chars, share }): PlannedShard => {
    const ordered = chars.sort((a, b) => alphabet.indexOf(a) - alphabet.indexOf(b)).join('');
    return { spec: ordered.length === 1 ? { prefix: prefix + ordered } : { prefix, chars: ordered }, share };
  });
  return [...alone, ...grouped];
};
