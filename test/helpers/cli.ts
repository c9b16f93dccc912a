/**
 * The `secrets-remediator` executable as a user runs it: a real process started from
 * bin/secrets-remediator.mjs in the checkout, its output and its exit code. Awaited
 * asynchronously, so a test may serve a fake endpoint from its own event loop meanwhile.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './events.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const CLI_BIN = join(repoRoot, 'bin', 'secrets-remediator.mjs');

/**
 * Runs `secrets-remediator <args>` in the repository root; `env` is added to the inherited
 * environment, and a variable set to `undefined` there is removed from it.
 */
export const runCli = (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
  runCommand(process.execPath, [CLI_BIN, ...args], env);

/** Runs any command (`npx ...`) in the repository root, with `env` applied as for `runCli`. */
export const runCommand = async (file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, {
      cwd: repoRoot,
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
      env: Object.fromEntries(
        Object.entries({ ...process.env, REMEDIATION_MODE: '', POWERTOOLS_LOG_LEVEL: '', NODE_NO_WARNINGS: '1', ...env }).filter(
          ([, value]) => value !== undefined,
        ),
      ),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string; message?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? failed.message ?? '',
    };
  }
};

/** stdout as JSON Lines. */
export const jsonLines = (stdout: string): Array<Record<string, unknown>> =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
