/**
 * The tests mirror the sources, as Powertools' do: `shared/<area>/<name>.ts` is tested by
 * `test/<area>/<name>.test.ts` (or `test/<area>/<name>.<aspect>.test.ts`: `.fuzz`, `.contract`,
 * ...), `shared/<name>.ts` by `test/<name>.test.ts`, and `functions/<fn>/handler.ts` by
 * `test/functions/<fn>.test.ts`. A source without one is listed in `EXEMPT` with why, and with
 * the test that covers it where one does. The exemptions are held honest too: an exemption for a
 * file that is gone, naming a test that is gone, or for a file that has its mirrored test by now
 * fails, so the list cannot rot.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/events.js';

/** Why a source has no mirrored test, and the test that covers it instead, if one does. */
interface Exemption {
  readonly reason: string;
  readonly coveredBy: string | undefined;
}

/** The reason most ports share. */
const INTERFACES_ONLY = 'interfaces only: a port, no behaviour of its own';

/**
 * Source files with no test at their path, keyed by their path from the repository root.
 * Exempt only what has nothing of its own to test (interfaces, types, wiring of a few lines that
 * a named test runs) or what a contract suite covers on the sandbox and the AWS adapter at once.
 */
export const EXEMPT: Readonly<Record<string, Exemption>> = {
  // ── Nothing of their own to test ────────────────────────────────────────────────────────────
  'shared/actions/types.ts': { reason: 'types only: nothing runs', coveredBy: undefined },
  'shared/ports/bus.ts': { reason: INTERFACES_ONLY, coveredBy: 'test/adapters/eventbridge.test.ts' },
  'shared/ports/clock.ts': { reason: 'the Clock interface, and the system clock in one line', coveredBy: undefined },
  'shared/ports/cloudtrail-history.ts': { reason: INTERFACES_ONLY, coveredBy: 'test/adapters/cloudtrail-history.test.ts' },
  'shared/ports/dead-letters.ts': { reason: INTERFACES_ONLY, coveredBy: 'test/adapters/sqs-dead-letters.test.ts' },
  'shared/ports/digest.ts': {
    reason: 'interfaces only: the DigestPort contract runs on both implementations',
    coveredBy: 'test/contract/digest.contract.test.ts',
  },
  'shared/ports/index.ts': { reason: 'types only: the ports the use cases take, gathered', coveredBy: undefined },
  'shared/ports/ledger.ts': {
    reason: 'interfaces only: the counters contract runs on both implementations',
    coveredBy: 'test/contract/ledger-counters.contract.test.ts',
  },
  'shared/ports/member-access.ts': { reason: INTERFACES_ONLY, coveredBy: 'test/adapters/member-access.test.ts' },
  'shared/ports/organisation-accounts.ts': { reason: INTERFACES_ONLY, coveredBy: 'test/adapters/organizations.test.ts' },
  'shared/ports/organisation.ts': { reason: INTERFACES_ONLY, coveredBy: 'test/adapters/member-ancestry.test.ts' },
  'shared/ports/secret-counts.ts': { reason: INTERFACES_ONLY, coveredBy: 'test/adapters/cloudwatch-secret-counts.test.ts' },
  'shared/ports/secrets.ts': {
    reason: 'interfaces only: the SecretsPort contract runs on both implementations',
    coveredBy: 'test/contract/secrets-port.contract.test.ts',
  },
  'shared/ports/security-hub.ts': { reason: INTERFACES_ONLY, coveredBy: 'test/adapters/security-hub.test.ts' },

  // ── A contract suite that runs on the sandbox and the adapter alike is the sandbox's test ────
  'shared/sandbox/memory-digest.ts': {
    reason: 'the DigestPort contract runs every case on it and on dynamoDbDigest',
    coveredBy: 'test/contract/digest.contract.test.ts',
  },

  // ── Wiring and declarations of a few lines, run by the test named ──────────────────────────
  'shared/actions/registry.ts': {
    reason: 'a table of the four actions; the catalogue test holds every planned action to it',
    coveredBy: 'test/domain/catalogue.test.ts',
  },
  'shared/contracts/eventbridge-envelope.ts': {
    reason: 'one schema declaration, parsed by every event test',
    coveredBy: 'test/contracts/cloudtrail-event.test.ts',
  },
  'shared/contracts/functions.ts': { reason: 'the list of function names', coveredBy: 'test/domain/service-roles.test.ts' },
  'shared/contracts/rule-ids.ts': {
    reason: 'the list of rule ids and its enum; the catalogue test holds the catalogue to it',
    coveredBy: 'test/domain/catalogue.test.ts',
  },
  'shared/contracts/zod.ts': { reason: 're-exports zod/mini with English messages set', coveredBy: 'test/contracts/zod-issues.test.ts' },
  'shared/logger.ts': {
    reason: 'the Powertools logger wired to the redaction (tested with hostile text)',
    coveredBy: 'test/contracts/hostile-text.test.ts',
  },
  'shared/rules/config-pattern.ts': {
    reason: "adds the policy's names to the pattern file, in five lines",
    coveredBy: 'test/deploy/config-pattern.test.ts',
  },
  'shared/sandbox/recording-chat.ts': { reason: 'a recorder of Slack messages, a few lines', coveredBy: 'test/functions/alert.test.ts' },

  // ── Entry points and shapes of a few lines in the CLI, the handlers and the sweep ────────────
  'shared/adapters/aws-clients.ts': {
    reason: "the clients' settings and the member-roles loader both composition roots share, a few lines",
    coveredBy: 'test/adapters/aws-alert-account.test.ts',
  },
  'shared/adapters/aws-slack-chat.ts': {
    reason: 'the Slack webhook on a Powertools SecretsProvider, loaded on first use by awsSlackChat',
    coveredBy: 'test/adapters/slack-webhook.contract.test.ts',
  },
  'shared/cli/errors.ts': { reason: 'exit-code constants and a re-export', coveredBy: 'test/cli/program.test.ts' },
  'shared/cli/main.ts': {
    reason: 'the 19-line executable entry (log level, EPIPE); every CLI test runs the real process through it',
    coveredBy: 'test/cli/program.test.ts',
  },
  'shared/middleware/base-chain.ts': {
    reason: 'the 16-line middy chain every handler shares; rejections and settling run through it',
    coveredBy: 'test/middleware/settle-errors.test.ts',
  },
  'shared/sweep/ledger-records.ts': {
    reason: '45 lines of ledger record shapes for the coordinator',
    coveredBy: 'test/sweep/coordinator.test.ts',
  },
};

/** Every `.ts` file under `dir`, as paths from the repository root with `/` separators. */
const typeScriptFilesUnder = (dir: string): string[] =>
  readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) =>
      relative(repoRoot, join(repoRoot, dir, name))
        .split(sep)
        .join('/'),
    )
    .sort();

/** The source files that need a test: every module of shared/ and every function's handler. */
const sourceFiles = (): string[] => [
  ...typeScriptFilesUnder('shared'),
  ...typeScriptFilesUnder('functions').filter((path) => /^functions\/[^/]+\/handler\.ts$/.test(path)),
];

const testFiles = (): ReadonlySet<string> => new Set(typeScriptFilesUnder('test').filter((path) => path.endsWith('.test.ts')));

/**
 * The path a source's tests start with: `test/<area>/<name>` for `shared/<area>/<name>.ts`, and
 * `test/functions/<fn>` for `functions/<fn>/handler.ts`.
 */
const mirrorStem = (source: string): string => {
  const handler = /^functions\/([^/]+)\/handler\.ts$/.exec(source);
  if (handler) return `test/functions/${handler[1]}`;
  return `test/${source.replace(/^shared\//, '').replace(/\.ts$/, '')}`;
};

/** The tests at a source's path: `<stem>.test.ts` and `<stem>.<aspect>.test.ts`. */
const mirroredTests = (source: string, tests: ReadonlySet<string>): string[] => {
  const stem = mirrorStem(source);
  return [...tests].filter((test) => test === `${stem}.test.ts` || new RegExp(`^${escape(stem)}\\.[a-z0-9-]+\\.test\\.ts$`).test(test));
};

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('Tests that mirror the sources', () => {
  const sources = sourceFiles();
  const tests = testFiles();

  it('finds the sources and tests to compare', () => {
    // Assess: a walk that found nothing would pass every check below.
    expect(sources).toContain('shared/domain/classify.ts');
    expect(sources).toContain('functions/classify/handler.ts');
    expect(tests.has('test/domain/classify.test.ts')).toBe(true);
  });

  it('takes a test at the same path, with or without one aspect, as the mirror, and no other', () => {
    // Prepare
    const candidates = new Set([
      'test/alerts/render.test.ts',
      'test/alerts/render.fuzz.test.ts',
      'test/alerts/render-email.test.ts',
      'test/alerts/render.a.b.test.ts',
      'test/render.test.ts',
      'test/functions/alert.test.ts',
    ]);

    // Act
    const ofModule = mirroredTests('shared/alerts/render.ts', candidates);
    const ofHandler = mirroredTests('functions/alert/handler.ts', candidates);

    // Assess
    expect(ofModule).toStrictEqual(['test/alerts/render.test.ts', 'test/alerts/render.fuzz.test.ts']);
    expect(ofHandler).toStrictEqual(['test/functions/alert.test.ts']);
  });

  it('gives every source a test at its path, or an exemption that says why', () => {
    // Act
    const untested = sources.filter((source) => mirroredTests(source, tests).length === 0 && !(source in EXEMPT));

    // Assess
    expect(untested, `add ${untested.map((source) => `${mirrorStem(source)}.test.ts`).join(', ')}, or an EXEMPT entry`).toStrictEqual([]);
  });

  it('exempts only source files that exist', () => {
    // Act
    const gone = Object.keys(EXEMPT).filter((source) => !sources.includes(source));

    // Assess
    expect(gone).toStrictEqual([]);
  });

  it('names as covering an exempt file only tests that exist', () => {
    // Act
    const missing = Object.entries(EXEMPT)
      .filter(([, { coveredBy }]) => coveredBy !== undefined && !existsSync(join(repoRoot, coveredBy)))
      .map(([source, { coveredBy }]) => `${source}: ${coveredBy}`);

    // Assess
    expect(missing).toStrictEqual([]);
  });

  it('exempts no source that has a test at its path by now (a stale exemption)', () => {
    // Act
    const stale = Object.keys(EXEMPT).filter((source) => mirroredTests(source, tests).length > 0);

    // Assess
    expect(stale).toStrictEqual([]);
  });

  it('gives every exemption a reason, and none is a test still to write', () => {
    // Act
    const unexplained = Object.entries(EXEMPT)
      .filter(([, { reason }]) => reason.trim() === '' || /^\s*(?:pending|todo)\b/i.test(reason))
      .map(([source]) => source);

    // Assess
    expect(unexplained).toStrictEqual([]);
  });
});
