/**
 * A copy of an event, as a function receives its own: the replay hands each handler a copy so
 * that one handler's changes never reach the next or the report. Written out rather than
 * `structuredClone`, which recurses and overflows the stack on a nesting Lambda's runtime
 * parses without trouble (10,000 levels fit in EventBridge's 256 KB): this copies level by
 * level with its own stack. JSON values only — what a bus delivers.
 */
export const cloneEvent = <T>(event: T): T => {
  const copyOf = (value: unknown): unknown => (Array.isArray(value) ? [] : value !== null && typeof value === 'object' ? {} : value);
  const root = copyOf(event);
  const pending: [unknown, unknown][] = [[event, root]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [source, target] = next;
    if (source === null || typeof source !== 'object') continue;
    for (const [key, value] of Object.entries(source)) {
      const copy = copyOf(value);
      // defineProperty: a `__proto__` key stays an own key, as JSON.parse makes it, never a prototype.
      Object.defineProperty(target, key, { value: copy, enumerable: true, writable: true, configurable: true });
      if (copy !== value) pending.push([value, copy]);
    }
  }
  return root as T;
};
