/**
 * The `secrets-remediator` program: its subcommands, `--version`, `--help`, and one error
 * handler that turns every failure into a message and an exit code (shared/cli/errors.ts):
 * commander's own usage errors included, which it would otherwise exit 1 on (1 means findings).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../errors.js';
import { PolicyError, PolicyFileError } from '../policy/errors.js';
import { plural } from '../plural.js';
import { type AwsSettings, explainAwsError } from './aws-hints.js';
import { EXIT, UsageError } from './errors.js';
import { invokeCommand } from './invoke-command.js';
import { redriveCommand } from './redrive-command.js';
import { replayCommand } from './replay-command.js';
import { scanCommand } from './scan-command.js';
import { validateCommand } from './validate-command.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const buildProgram = (): Command => {
  const program = new Command('secrets-remediator')
    .description(
      'Watch AWS Secrets Manager through CloudTrail events: replay events locally, invoke one function, scan an account, validate the policy, redrive dead letters.',
    )
    .version(version, '-V, --version', 'print the version')
    .helpCommand(true)
    .addHelpText(
      'after',
      `
Exit codes (every subcommand): 0 ok, 1 an event was rejected (replay, invoke) or findings at or above --fail-on (scan), 2 usage error (unknown flag, bad value, missing file, invalid policy, AWS setup).

Examples:
  secrets-remediator replay                        replay events/ against the in-memory sandbox account
  secrets-remediator replay --quiet --mode enforce
  secrets-remediator invoke classify --event events/secret-deleted/fires.DeleteSecret.authored.by-developer.json
  secrets-remediator validate --stage prod
  secrets-remediator scan --sandbox
  secrets-remediator redrive --queue secrets-remediator-prod-failed
  secrets-remediator help replay`,
    );
  for (const command of [replayCommand(), invokeCommand(), scanCommand(), validateCommand(), redriveCommand()]) program.addCommand(command);
  // Subcommands added whole do not inherit settings: each gets the same error handling.
  for (const command of [program, ...program.commands]) command.exitOverride().showSuggestionAfterError(true);
  return program;
};

/** The settings an AWS error is explained against: the flags the subcommand ran with, and the environment. */
const awsSettings = (program: Command): AwsSettings => {
  const flags = Object.assign({}, ...program.commands.map((c) => c.opts())) as { region?: string; profile?: string };
  return {
    region: flags.region ?? process.env.AWS_REGION,
    profile: flags.profile ?? process.env.AWS_PROFILE,
    endpoint: process.env.AWS_ENDPOINT_URL,
  };
};

/** What went wrong, for stderr, and the exit code it means. */
export const explainFailure = (error: unknown, settings: AwsSettings): { message?: string; code: number } => {
  // Commander has printed the problem (or the help, or the version) itself.
  if (error instanceof CommanderError) return { code: error.exitCode === 0 ? EXIT.ok : EXIT.usage };
  if (error instanceof PolicyFileError) return { message: `error: ${error.message}`, code: EXIT.usage };
  if (error instanceof PolicyError) {
    const problems = error.problems.map((problem) => `  ${problem}`).join('\n');
    return {
      message: `error: ${error.source} (stage ${error.stage}): invalid policy, ${plural(error.problems.length, 'problem')}:\n${problems}`,
      code: EXIT.usage,
    };
  }
  if (error instanceof UsageError || error instanceof ConfigError) return { message: `error: ${error.message}`, code: EXIT.usage };
  const advice = explainAwsError(error, settings);
  if (advice) return { message: `error: ${advice}`, code: EXIT.usage };
  if ((error as { code?: unknown }).code === 'ENOENT')
    return { message: `error: ${(error as Error).message}: check the path`, code: EXIT.usage };
  return { message: `error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, code: EXIT.usage };
};

/** Runs the program on `argv` (process.argv shape) and answers the exit code. */
export const run = async (argv: readonly string[]): Promise<number> => {
  const program = buildProgram();
  try {
    process.exitCode = undefined;
    await program.parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (error) {
    const { message, code } = explainFailure(error, awsSettings(program));
    if (message) console.error(message);
    return code;
  }
};
