/**
 * The copy of an event each local handler receives: whole, independent of the original, safe on
 * nesting Lambda's runtime parses, and with a `__proto__` key kept as the data it is.
 */
import { describe, expect, it } from 'vitest';
import { cloneEvent } from '../../shared/replay/clone-event.js';

describe('Function: cloneEvent', () => {
  it('copies every JSON value, and a change to the copy never reaches the original', () => {
    const event = { id: 'e-1', detail: { tags: [{ Key: 'team', Value: 'payments' }], count: 3, on: true, gone: null } };

    const copy = cloneEvent(event);
    copy.detail.tags[0]!.Value = 'changed';
    copy.detail.tags.push({ Key: 'extra', Value: 'x' });

    expect(copy).not.toBe(event);
    expect(event).toEqual({ id: 'e-1', detail: { tags: [{ Key: 'team', Value: 'payments' }], count: 3, on: true, gone: null } });
    expect(cloneEvent(event)).toEqual(event);
  });

  it('answers a scalar as it is', () => {
    expect(cloneEvent('text')).toBe('text');
    expect(cloneEvent(null)).toBeNull();
    expect(cloneEvent(7)).toBe(7);
  });

  it('copies 10,000 levels of nesting, where a recursive copy overflows the stack', () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 10_000; level++) deep = { a: [deep] };

    const copy = cloneEvent(deep);

    let depth = 0;
    let node = copy as { a: unknown[] } | string;
    while (typeof node !== 'string') {
      node = node.a[0] as { a: unknown[] } | string;
      depth += 1;
    }
    expect(depth).toBe(10_000);
    expect(node).toBe('bottom');
  });

  it('keeps a __proto__ key as an own key of the copy, never as its prototype', () => {
    const event = JSON.parse('{"detail":{"__proto__":{"polluted":true}}}') as { detail: Record<string, unknown> };

    const copy = cloneEvent(event);

    expect(Object.getPrototypeOf(copy.detail)).toBe(Object.prototype);
    expect(Object.keys(copy.detail)).toEqual(['__proto__']);
    expect((copy.detail as { polluted?: boolean }).polluted).toBeUndefined();
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
