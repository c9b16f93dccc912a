/** JSON whose object keys are sorted at every level. */

/**
 * `value` as JSON with every object's keys in order, so two equal values give the same text
 * whatever order their fields were built or parsed in: for comparing a claimed verdict with the
 * one taken again, and for digests of a finding's content.
 */
export const stableJson = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
