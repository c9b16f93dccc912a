/**
 * The functions as the replay wires them: one handler per function on one set of ports, the
 * mode given reaching every action, Slack and the digest store kept in the process when the ports
 * have none, and alert-digest run with a clock past every open window, so a replay sends at its
 * end the digests of the storms it caused instead of waiting for their windows to close.
 */
import { describe, expect, it } from 'vitest';
import type { DigestOutcome } from '../../shared/alerts/digest-flush.js';
import { functionNames } from '../../shared/contracts/functions.js';
import type { RemediationResult } from '../../shared/contracts/finding.js';
import { localHandlers } from '../../shared/replay/handlers.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { MemoryDigest } from '../../shared/sandbox/memory-digest.js';
import { findingEventOf, scheduledEvent } from '../helpers/alerts.js';
import { at, heldAlert } from '../helpers/digest-table.js';
import { samplePolicy } from '../helpers/policy.js';
import { defaultSandbox, FIXED_NOW } from '../helpers/sandbox.js';

const DELETED_BY_DEVELOPER = 'secret-deleted/fires.DeleteSecret.authored.by-developer.json';

/** The outcome restore-secret reported for the finding of a deletion, wired in `mode`. */
const restoreOutcomeIn = async (mode: 'dry-run' | 'enforce'): Promise<string | undefined> => {
  const account = defaultSandbox();
  const finding = await findingEventOf(DELETED_BY_DEVELOPER);
  await localHandlers(account, { policy: samplePolicy, mode })['restore-secret'](finding, localContext('restore-secret'));
  const [published] = account.bus.published.filter((e) => e['detail-type'] === 'Remediation Result');
  return (published?.detail as RemediationResult | undefined)?.result.outcome;
};

describe('Function: localHandlers', () => {
  it('wires a handler for every function', () => {
    // Act
    const handlers = localHandlers(defaultSandbox(), { policy: samplePolicy, mode: 'dry-run' });

    // Assess
    expect(Object.keys(handlers).sort()).toStrictEqual([...functionNames].sort());
    expect(Object.values(handlers).every((handler) => typeof handler === 'function')).toBe(true);
  });

  it('runs every action in the mode given', async () => {
    // Act
    const [dryRun, enforce] = [await restoreOutcomeIn('dry-run'), await restoreOutcomeIn('enforce')];

    // Assess
    expect([dryRun, enforce]).toStrictEqual(['planned', 'applied']);
  });

  it('sends at once the digest of a window still open: alert-digest runs with its clock past every open window', async () => {
    // Prepare: an alert held in the window open now (the sandbox's clock).
    const account = defaultSandbox();
    const digest = new MemoryDigest();
    await digest.hold(at(FIXED_NOW.toISOString()), heldAlert('f-1'));
    const handlers = localHandlers({ ...account, digest }, { policy: samplePolicy, mode: 'dry-run' });

    // Act
    const outcome = (await handlers['alert-digest'](
      scheduledEvent(FIXED_NOW.toISOString()),
      localContext('alert-digest'),
    )) as DigestOutcome;

    // Assess
    expect(outcome.digests).toMatchObject([{ status: 'sent', rule: 'rotation-failed', count: 1 }]);
    expect(digest.openWindows).toStrictEqual([]);
    expect(account.notifier.sent).toHaveLength(1);
    expect(account.chat.sent).toHaveLength(1);
  });

  it('keeps Slack and held alerts in the process when the ports have none of their own', async () => {
    // Prepare: ports without Slack or a digest store, as a live replay has.
    const { chat: ownChat, ...withoutChat } = defaultSandbox();
    const handlers = localHandlers(withoutChat, { policy: samplePolicy, mode: 'dry-run' });
    const finding = await findingEventOf('rotation-succeeded/fires.RotationSucceeded.published-aws-blog.json');

    // Act
    const outcome = await handlers.alert(finding, localContext('alert'));

    // Assess
    expect(outcome).toMatchObject({ status: 'sent', channels: expect.arrayContaining(['slack']) });
    expect(ownChat.sent).toStrictEqual([]);
  });
});
