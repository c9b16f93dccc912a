/** A schema behind lazySchema is built at its first use, once, and not before. */
import { describe, expect, it } from 'vitest';
import { lazySchema } from '../../shared/contracts/lazy-schema.js';
import * as z from '../../shared/contracts/zod.js';

describe('lazySchema', () => {
  it('builds nothing until the schema is first asked for', () => {
    let builds = 0;

    lazySchema(() => ((builds += 1), z.string()));

    expect(builds).toBe(0);
  });

  it('builds the schema once and hands the same schema to every caller', () => {
    let builds = 0;
    const schema = lazySchema(() => ((builds += 1), z.object({ id: z.string() })));

    const first = schema();
    const second = schema();

    expect(first).toBe(second);
    expect(builds).toBe(1);
    expect(z.safeParse(schema(), { id: 'a' }).success).toBe(true);
    expect(z.safeParse(schema(), { id: 1 }).success).toBe(false);
  });
});
