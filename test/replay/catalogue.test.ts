/**
 * Every sample in events/<rule id>/ replayed through the real patterns and handlers against the
 * sandbox, under the sample policy: `fires.*` must raise that rule's finding, `silent.*` must
 * not. One alert per finding, nothing rejected, nothing changed in dry-run mode.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEvent } from '../../shared/replay/load-events.js';
import { eventsDir, sampleEventFiles } from '../helpers/events.js';
import { replayEvent } from '../helpers/replay.js';
import { defaultSandbox } from '../helpers/sandbox.js';

const samples = sampleEventFiles().map((file) => {
  const [ruleId = '', name = ''] = file.split('/');
  return { file, ruleId, expectation: name.startsWith('fires.') ? 'fires' : name.startsWith('silent.') ? 'silent' : 'unnamed' };
});

describe('Replay: the rule catalogue', () => {
  it('names every sample fires.* or silent.* under its rule folder', () => {
    expect(samples.filter((s) => s.expectation === 'unnamed').map((s) => s.file)).toEqual([]);
  });

  it.each(samples.map((s) => [s.file, s] as const))('%s', async (file, sample) => {
    // Prepare
    const account = defaultSandbox();
    const loaded = loadEvent(join(eventsDir, file));
    if (!loaded.event.ok) throw new Error(loaded.event.problem);
    const before = account.secrets.snapshot();

    // Act
    const report = await replayEvent(loaded.event.value, account, 'dry-run', file);

    // Assess
    const rules = report.findings.map((f) => f.rule);
    if (sample.expectation === 'fires') expect(rules).toContain(sample.ruleId);
    else expect(rules).not.toContain(sample.ruleId);
    expect(report.rejected).toBeUndefined();
    expect(account.notifier.sent).toHaveLength(report.findings.length);
    for (const finding of report.findings) {
      expect(finding.alert?.subject).toMatch(new RegExp(`^\\[${finding.severity.toUpperCase()}\\] ${finding.rule}: `));
      expect(finding.reason.length).toBeGreaterThan(10);
    }
    expect(account.secrets.snapshot()).toEqual(before);
  });
});
