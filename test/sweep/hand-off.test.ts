/**
 * The hand-off between the listing's readers and its consumer: a page counts as read only when
 * taken (its commit runs then), a reader learns whether its page was taken or dropped, and an
 * empty page commits at once without waiting for the consumer.
 */
import { describe, expect, it } from 'vitest';
import { HandOff } from '../../shared/sweep/hand-off.js';

describe('Class: HandOff', () => {
  it('commits a page only when the consumer takes it, and tells its reader it was taken', async () => {
    // Prepare
    const commits: string[] = [];
    let reports = 0;
    const handOff = new HandOff<string>(() => reports++);

    // Act
    const taken = handOff.offer(['a', 'b'], () => commits.push('page 1'));
    const beforeTake = [...commits];
    const entries = handOff.take();

    // Assess
    expect(beforeTake).toStrictEqual([]);
    expect(entries).toStrictEqual(['a', 'b']);
    expect(commits).toStrictEqual(['page 1']);
    expect(reports).toBe(1);
    await expect(taken).resolves.toBe(true);
  });

  it('hands pages over in the order they were offered', () => {
    // Prepare
    const handOff = new HandOff<number>(() => undefined);
    void handOff.offer([1], () => undefined);
    void handOff.offer([2], () => undefined);

    // Act
    const order = [handOff.take(), handOff.take(), handOff.take()];

    // Assess
    expect(order).toStrictEqual([[1], [2], undefined]);
  });

  it('drops the pages not taken without committing them, and tells their readers', async () => {
    // Prepare
    const commits: string[] = [];
    const handOff = new HandOff<string>(() => undefined);
    const first = handOff.offer(['a'], () => commits.push('a'));
    const second = handOff.offer(['b'], () => commits.push('b'));

    // Act
    handOff.drop();

    // Assess
    await expect(first).resolves.toBe(false);
    await expect(second).resolves.toBe(false);
    expect(commits).toStrictEqual([]);
    expect(handOff.take()).toBeUndefined();
  });

  it('commits an empty page at once, without the consumer', async () => {
    // Prepare
    let reports = 0;
    let committed = false;
    const handOff = new HandOff<string>(() => reports++);

    // Act
    const taken = await handOff.offer([], () => (committed = true));

    // Assess
    expect(taken).toBe(true);
    expect(committed).toBe(true);
    expect(reports).toBe(1);
    expect(handOff.take()).toBeUndefined();
  });

  it('wakes a waiting consumer when a page is offered, or when told to', async () => {
    // Prepare
    const handOff = new HandOff<string>(() => undefined);
    const woken: string[] = [];

    // Act
    const byPage = handOff.arrival().then(() => woken.push('page'));
    void handOff.offer(['a'], () => undefined);
    await byPage;
    const byCall = handOff.arrival().then(() => woken.push('call'));
    handOff.wakeConsumer();
    await byCall;

    // Assess
    expect(woken).toStrictEqual(['page', 'call']);
  });
});
