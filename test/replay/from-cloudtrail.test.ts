/**
 * `replay --from-cloudtrail`: a dry run that writes nothing, whatever the flags ask; the history
 * it loads goes through the real rules against a Secrets Manager that can only be read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../shared/cli/errors.js';
import { InvocationError, runChain } from '../../shared/replay/chain.js';
import { checkHistoryReplayFlags, historyReplayPorts, loadHistory } from '../../shared/replay/from-cloudtrail.js';
import { localHandlers } from '../../shared/replay/handlers.js';
import { buildReport } from '../../shared/replay/report.js';
import { WriteRefusedError } from '../../shared/replay/read-only-account.js';
import { routesFor } from '../../shared/rules/routes.js';
import { MemoryCloudTrailHistory } from '../../shared/sandbox/memory-cloudtrail-history.js';
import { repoRoot } from '../helpers/events.js';
import { classifyContext } from '../helpers/policy.js';
import { defaultSandbox } from '../helpers/sandbox.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const logRecords = (
  JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'cloudtrail', 'log-file.json'), 'utf8')) as {
    Records: Record<string, unknown>[];
  }
).Records;

describe('the flags of a history replay', () => {
  const base = { fromCloudtrail: true, live: false, pathsGiven: false };

  it('is a dry run that writes nothing: enforce mode, a live bus, a seed or event files are usage errors', () => {
    expect(() => checkHistoryReplayFlags({ ...base, mode: 'enforce' })).toThrow(/cannot be used with --mode enforce/);
    expect(() => checkHistoryReplayFlags({ ...base, live: true, busName: 'b', topicArn: 't' })).toThrow(/--live, --bus-name, --topic-arn/);
    expect(() => checkHistoryReplayFlags({ ...base, account: 'seed.json' })).toThrow(UsageError);
    expect(() => checkHistoryReplayFlags({ ...base, pathsGiven: true })).toThrow(/event files or folders/);
    expect(() => checkHistoryReplayFlags({ ...base, mode: 'dry-run', since: '7d' })).not.toThrow();
  });

  it('takes --since only with --from-cloudtrail', () => {
    expect(() => checkHistoryReplayFlags({ fromCloudtrail: false, live: false, pathsGiven: false, since: '7d' })).toThrow(UsageError);
  });
});

describe('a history replay through the real rules', () => {
  it('finds what the history holds, plans the fixes and changes nothing, publishes nothing beyond this process', async () => {
    const account = defaultSandbox();
    const ports = historyReplayPorts(account.secrets, 'us-east-1');
    const history = new MemoryCloudTrailHistory(logRecords);
    const before = await account.secrets.describeSecret('prod/payments/db');

    const loaded = await loadHistory(history, { since: '7d', region: 'us-east-1', now: NOW });
    if (!loaded.event.ok) throw new Error(loaded.event.problem);
    const invocations = await runChain(loaded.event.value, {
      handlers: localHandlers(ports, { policy: classifyContext.policy, mode: 'dry-run' }),
      bus: ports.bus,
      notifier: ports.notifier,
      routes: routesFor(classifyContext.policy),
    });
    const report = buildReport(loaded.file, invocations);

    expect(report.findings.map((f) => [f.rule, f.actions.map((a) => a.outcome)])).toEqual([
      ['secret-deleted', ['planned']],
      ['rotation-failed', ['planned']],
    ]);
    expect(await account.secrets.describeSecret('prod/payments/db')).toEqual(before);
    // Findings and alerts stay on the replay's recording bus and topic; the account's own saw nothing.
    expect(ports.bus.published.length).toBeGreaterThan(0);
    expect(ports.notifier.sent.length).toBeGreaterThan(0);
    expect(account.bus.published).toEqual([]);
    expect(account.notifier.sent).toEqual([]);
    expect(ports.compliance.reevaluated).toEqual([]);
  });

  it('cannot write even if the mode said enforce: the fix stops on the guard instead of reaching the account', async () => {
    const account = defaultSandbox();
    const ports = historyReplayPorts(account.secrets, 'us-east-1');
    const before = await account.secrets.describeSecret('prod/payments/db');
    const rotationFailed = logRecords.find((r) => r.eventName === 'RotationFailed')!;
    const loaded = await loadHistory(new MemoryCloudTrailHistory([rotationFailed]), { since: '7d', now: NOW });
    if (!loaded.event.ok) throw new Error(loaded.event.problem);

    const running = runChain(loaded.event.value, {
      handlers: localHandlers(ports, { policy: classifyContext.policy, mode: 'enforce' }),
      bus: ports.bus,
      notifier: ports.notifier,
      routes: routesFor(classifyContext.policy),
    });

    // The chain names the function that threw; what it threw is the guard's refusal.
    await expect(running).rejects.toSatisfy(
      (error: unknown) => error instanceof InvocationError && error.cause instanceof WriteRefusedError,
    );
    expect(await account.secrets.describeSecret('prod/payments/db')).toEqual(before);
  });
});
