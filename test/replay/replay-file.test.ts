/**
 * One event file through the chain, isolated: a function that throws turns that file into a
 * rejected report (where, the error's class, a reason that quotes nothing from the event) and
 * never ends a replay of many.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../shared/policy/load-policy.js';
import type { Invoke } from '../../shared/replay/chain.js';
import { localHandlers } from '../../shared/replay/handlers.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { replayFile } from '../../shared/replay/replay-file.js';
import type { EventReport } from '../../shared/replay/report.js';
import { routesFor } from '../../shared/rules/routes.js';
import { loadAccountSeed, sandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { eventsDir, repoRoot } from '../helpers/events.js';

const SECRET_TEXT = 'do-not-repeat-me';
const DELETED = join(eventsDir, 'secret-deleted', 'fires.DeleteSecret.authored.by-developer.json');

/** The sandbox and the real handlers, classify replaced by `classify(event, realClassify)`. */
const world = (classify: (event: unknown, real: Invoke) => Promise<unknown>) => {
  const policy = loadPolicy({ file: join(repoRoot, 'events', 'policy.yml'), stage: 'dev' });
  const ports = sandboxAccount(loadAccountSeed());
  const handlers = localHandlers(ports, { policy, mode: 'dry-run' });
  return {
    handlers: { ...handlers, classify: (event: unknown) => classify(event, (e, context) => handlers.classify(e, context)) },
    bus: ports.bus,
    notifier: ports.notifier,
    routes: routesFor(policy),
  };
};

const render = (report: EventReport): string => JSON.stringify(report);

describe('replayFile', () => {
  it('reports a function that throws as that file rejected, naming the function and the error class, never the message', async () => {
    const deps = world(() => Promise.reject(new TypeError(`cannot read "${SECRET_TEXT}"`)));

    const { report, text } = await replayFile(DELETED, deps, { render });

    expect(report).toMatchObject({
      matched: [],
      findings: [],
      rejected: ['classify threw TypeError: its message is not shown: it may quote the event; the replay went on with the next file'],
      crashed: { step: 'classify', errorClass: 'TypeError' },
    });
    expect(text).not.toContain(SECRET_TEXT);
  });

  it('names a runaway recursion as nesting, and keeps a known runtime message that quotes nothing', async () => {
    const overflow = world(() => Promise.reject(new RangeError('Maximum call stack size exceeded')));
    const uri = world(() => Promise.reject(new URIError('URI malformed')));

    const [deep, malformed] = await Promise.all([replayFile(DELETED, overflow, { render }), replayFile(DELETED, uri, { render })]);

    expect(deep.report.crashed).toEqual({
      step: 'classify',
      errorClass: 'RangeError',
      reason: 'nested too deeply (the call stack ran out)',
    });
    expect(malformed.report.crashed).toMatchObject({
      step: 'classify',
      errorClass: 'URIError',
      reason: expect.stringMatching(/^URI malformed/),
    });
  });

  it('keeps going after a crash: the next file on the same ports is replayed as usual', async () => {
    let calls = 0;
    const deps = world((event, real) => (calls++ === 0 ? Promise.reject(new Error('boom')) : real(event, localContext('classify'))));

    const first = await replayFile(DELETED, deps, { render });
    const second = await replayFile(DELETED, deps, { render });

    expect(first.report.rejected).toHaveLength(1);
    expect(second.report).toMatchObject({ findings: [{ rule: 'secret-deleted', alert: expect.anything() }] });
    expect(second.report.rejected).toBeUndefined();
  });

  it('reports a renderer that throws as the report step, with the file still named', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'replay-file-')), 'event.json');
    writeFileSync(file, '{}');
    let rendered = 0;

    const { report } = await replayFile(
      file,
      world(() => Promise.resolve({ status: 'ignored' })),
      {
        render: (r) => {
          if (rendered++ === 0) throw new Error(SECRET_TEXT);
          return JSON.stringify(r);
        },
      },
    );

    expect(report).toMatchObject({ event: expect.stringMatching(/event\.json$/), crashed: { step: 'report', errorClass: 'Error' } });
    expect(JSON.stringify(report)).not.toContain(SECRET_TEXT);
  });
});
