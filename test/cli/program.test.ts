/**
 * `secrets-remediator` as one executable: its version, its help and examples, and the same exit
 * codes from every subcommand (0 ok, 1 a rejected event or findings, 2 usage error), each with a
 * message that says what to do. Every case runs the real process.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEvent } from '../../shared/replay/load-events.js';
import { CLI_BIN, jsonLines, runCli, runCommand } from '../helpers/cli.js';
import { repoRoot } from '../helpers/events.js';

const SUBCOMMANDS = ['replay', 'invoke', 'scan', 'validate'] as const;
const UMCCR = 'events/rotation-failed/fires.RotationFailed.published-umccr.json';

const tempFile = (name: string, content: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'cli-')), name);
  writeFileSync(file, content);
  return file;
};

/** The lines of a help text's "Examples:" section. */
const examplesOf = (help: string): string[] => {
  const lines = help.split('\n');
  const start = lines.indexOf('Examples:');
  const examples: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    examples.push(line.trim());
  }
  return examples;
};

/** Every file or folder an example reads (events/..., policy.yml, shared/...); not what `--output` writes. */
const pathsIn = (example: string): string[] => {
  const read: string[] = [];
  let writing = false;
  for (const word of example.split(/\s+/)) {
    if (word.startsWith('-')) writing = word === '--output';
    else if (!writing && /^(events|shared|test)\/|\.(json|ya?ml)$/.test(word) && !word.includes('://')) read.push(word);
  }
  return read;
};

describe('CLI: secrets-remediator', { timeout: 120_000 }, () => {
  it('prints the version of package.json with --version', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

    const run = await runCli(['--version']);

    expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('runs as `npx --no-install secrets-remediator` in the checkout, its JSON on stdout with no npm banner', async () => {
    // npm exec runs the project's own bin; `npm start` would print its "> secrets-remediator@..." banner on stdout.
    const run = await runCommand('npx', ['--no-install', 'secrets-remediator', 'replay', '--json', UMCCR]);

    expect(run.code, run.stderr).toBe(0);
    expect(jsonLines(run.stdout).map((line) => Object.keys(line)[0])).toEqual(['event', 'summary']);
  });

  it('prints help with exit codes and examples for the program and every subcommand, and every example names files that exist and load', async () => {
    const runs = await Promise.all([runCli(['--help']), ...SUBCOMMANDS.map((command) => runCli([command, '--help']))]);

    for (const run of runs) {
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Exit codes');
      const examples = examplesOf(run.stdout);
      expect(examples.length, run.stdout).toBeGreaterThanOrEqual(2);
      // A file an earlier example writes (`aws cloudtrail lookup-events ... > history.json`) is the user's, not the repository's.
      const written = new Set(run.stdout.split('\n').flatMap((line) => [...line.matchAll(/>\s*(\S+)/g)].map((m) => m[1])));
      for (const example of examples.filter((e) => e.startsWith('secrets-remediator'))) {
        for (const path of pathsIn(example).filter((p) => !written.has(p))) {
          expect(existsSync(join(repoRoot, path)), `${example}: ${path}`).toBe(true);
          if (path.startsWith('events/') && path.endsWith('.json')) expect(loadEvent(join(repoRoot, path)).event.ok, path).toBe(true);
        }
      }
    }
    expect(runs[0]?.stdout).toMatch(/replay .*\n[\s\S]*invoke .*\n[\s\S]*scan .*\n[\s\S]*validate /);
  });

  it('ends quietly when the reader of its output stops early (| head -1), with no EPIPE crash', async () => {
    const run = await runCommand('bash', ['-c', `node ${JSON.stringify(CLI_BIN)} replay --json events | head -1; exit \${PIPESTATUS[0]}`]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(jsonLines(run.stdout)).toHaveLength(1);
  });

  it('exits 2 on usage errors in every subcommand, naming the problem on stderr (1 would mean findings)', async () => {
    const invalidPolicy = tempFile('policy.yml', 'mode: enforcing\n');
    const cases: ReadonlyArray<readonly [args: string[], says: string[]]> = [
      [
        ['replay', '--jsn'],
        ["unknown option '--jsn'", 'Did you mean --json?'],
      ],
      [['replay', '--mode', 'enforcee'], ["argument 'enforcee' is invalid. Allowed choices are dry-run, enforce"]],
      [['replay', 'events/secretsmanager/no-such-file.json'], ['events/secretsmanager/no-such-file.json: no such file or folder']],
      [
        ['replay', '--policy', invalidPolicy, UMCCR],
        ['invalid policy, 1 problem:\n  mode: expected "dry-run" or "enforce", received "enforcing"'],
      ],
      [['scan', '--sandbox', '--policy', invalidPolicy], ['invalid policy, 1 problem:']],
      [
        ['validate', '--stag', 'prod'],
        ["unknown option '--stag'", 'Did you mean --stage?'],
      ],
      [['--jsn'], ["unknown option '--jsn'"]],
    ];

    const runs = await Promise.all(cases.map(([args]) => runCli(args)));

    for (const [index, [args, says]] of cases.entries()) {
      const run = runs[index];
      expect(run, args.join(' ')).toMatchObject({ code: 2, stdout: '' });
      for (const words of says) expect(run?.stderr, args.join(' ')).toContain(words);
    }
  });

  it('turns an AWS setup problem into advice and exits 2', async () => {
    // No region anywhere: the SDK says "Region is missing" before any request is sent.
    const run = await runCli(['scan', '--policy', 'events/policy.yml'], {
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
      AWS_PROFILE: undefined,
      AWS_ENDPOINT_URL: undefined,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: no AWS region is set: set AWS_REGION or pass --region');
  });
});
