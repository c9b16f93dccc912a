/**
 * The ledger in memory, as the DynamoDB adapter behaves: a claim held until it expires, a
 * settled claim answered with its outcome, a write limit per scope and window with its slot
 * given back; and Config's re-evaluation, of the rules the account runs. (The counters'
 * contract, shared with DynamoDB: test/contract/ledger-counters.contract.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { MemoryLedger, RecordingCompliance } from '../../shared/sandbox/memory-ledger.js';

const T0 = new Date('2026-11-25T12:00:00Z');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

/** A ledger whose clock the test moves. */
const ledgerAt = () => {
  let now = T0;
  return { ledger: new MemoryLedger(() => now), moveTo: (to: Date) => (now = to) };
};

describe('Class: MemoryLedger', () => {
  describe('claims', () => {
    it('grants a claim once while it holds, and again once it has expired', async () => {
      // Prepare
      const { ledger, moveTo } = ledgerAt();

      // Act
      const first = await ledger.claim('f-1#restore-secret', later(15));
      const second = await ledger.claim('f-1#restore-secret', later(15));
      moveTo(later(15));
      const afterExpiry = await ledger.claim('f-1#restore-secret', later(30));

      // Assess
      expect(first).toStrictEqual({ claimed: true });
      expect(second).toStrictEqual({ claimed: false });
      expect(afterExpiry).toStrictEqual({ claimed: true });
    });

    it('answers a settled claim with its outcome for as long as it is kept', async () => {
      // Prepare
      const { ledger, moveTo } = ledgerAt();
      await ledger.claim('f-1#restore-secret', later(15));
      await ledger.complete('f-1#restore-secret', 'applied', later(48 * 60));

      // Act
      moveTo(later(60));
      const redelivered = await ledger.claim('f-1#restore-secret', later(75));

      // Assess
      expect(redelivered).toStrictEqual({ claimed: false, outcome: 'applied' });
    });

    it('lets a released claim be taken again at once', async () => {
      // Prepare
      const { ledger } = ledgerAt();
      await ledger.claim('f-1#restore-secret', later(15));

      // Act
      await ledger.release('f-1#restore-secret');
      const retried = await ledger.claim('f-1#restore-secret', later(15));

      // Assess
      expect(retried).toStrictEqual({ claimed: true });
    });

    it('keeps each key apart', async () => {
      // Prepare
      const { ledger } = ledgerAt();
      await ledger.claim('f-1#restore-secret', later(15));

      // Act
      const other = await ledger.claim('f-1#enable-rotation', later(15));

      // Assess
      expect(other).toStrictEqual({ claimed: true });
    });
  });

  describe('the write limit', () => {
    it('takes up to the limit of writes per scope within the window, then refuses, and starts again in the next', async () => {
      // Prepare
      const { ledger, moveTo } = ledgerAt();
      const scope = 'secret#arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op';

      // Act
      const taken = [
        await ledger.takeWrite(scope, 2, later(60)),
        await ledger.takeWrite(scope, 2, later(60)),
        await ledger.takeWrite(scope, 2, later(60)),
      ];
      const otherScope = await ledger.takeWrite('secret#other', 2, later(60));
      moveTo(later(60));
      const nextWindow = await ledger.takeWrite(scope, 2, later(120));

      // Assess
      expect(taken).toStrictEqual([true, true, false]);
      expect(otherScope).toBe(true);
      expect(nextWindow).toBe(true);
    });

    it('takes a slot given back again, and never gives back more than were taken', async () => {
      // Prepare
      const { ledger } = ledgerAt();
      await ledger.takeWrite('secret#x', 1, later(60));

      // Act: one slot taken, given back twice; a scope never written given back once.
      await ledger.returnWrite('secret#x');
      await ledger.returnWrite('secret#x');
      const after = [await ledger.takeWrite('secret#x', 1, later(60)), await ledger.takeWrite('secret#x', 1, later(60))];
      await ledger.returnWrite('secret#never');
      const never = [await ledger.takeWrite('secret#never', 1, later(60)), await ledger.takeWrite('secret#never', 1, later(60))];

      // Assess
      expect(after).toStrictEqual([true, false]);
      expect(never).toStrictEqual([true, false]);
    });
  });
});

describe('Class: RecordingCompliance', () => {
  it('starts every rule asked for when the account runs them all, and records each request', async () => {
    // Prepare
    const compliance = new RecordingCompliance();

    // Act
    const started = await compliance.reevaluate(['secretsmanager-rotation-enabled-check', 'my-rule']);

    // Assess
    expect(started).toStrictEqual(['secretsmanager-rotation-enabled-check', 'my-rule']);
    expect(compliance.reevaluated).toStrictEqual([['secretsmanager-rotation-enabled-check', 'my-rule']]);
  });

  it('starts only the rules the account runs', async () => {
    // Prepare
    const compliance = new RecordingCompliance(new Set(['sm-rotation-abc123']));

    // Act
    const started = await compliance.reevaluate(['secretsmanager-rotation-enabled-check', 'sm-rotation-abc123']);

    // Assess
    expect(started).toStrictEqual(['sm-rotation-abc123']);
    expect(compliance.reevaluated).toStrictEqual([['sm-rotation-abc123']]);
  });
});
