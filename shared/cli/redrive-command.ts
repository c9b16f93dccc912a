/**
 * `secrets-remediator redrive --queue <url|name> [--dry-run | --apply]`: after a fix, sends the
 * events the service's dead-letter queues hold back to the function that failed them.
 *
 * A dry run (the default) reads every message, reports it (which function, which event, the
 * error Lambda or EventBridge recorded) and leaves the queue as it was. `--apply` invokes each
 * message's function asynchronously with the original event, as EventBridge would have, and
 * deletes the message only once Lambda accepted the invocation; a message it cannot redrive stays.
 *
 * Why re-invoke rather than put the event on a bus again: CloudTrail events on the default bus
 * carry an `aws.*` source that PutEvents refuses, the project bus takes only the service's own
 * events, and a re-put would reach every rule again (other targets would see it twice). Only
 * the failed function needs it; its claims (shared/ledger/once.ts) make a second delivery of an
 * event it had handled harmless.
 */
import { Command } from 'commander';
import { awsDeadLetters } from '../adapters/sqs-dead-letters.js';
import { readDeadLetter } from '../domain/dead-letter.js';
import { plural } from '../plural.js';
import type { DeadLetter, DeadLettersPort } from '../ports/dead-letters.js';
import { EXIT, type ExitCode, UsageError } from './errors.js';

interface Options {
  queue: string;
  dryRun?: boolean;
  apply?: boolean;
  max: string;
  region?: string;
  profile?: string;
}

/** How long a received message stays hidden while this command handles it. */
const HIDE_SECONDS = 60;
/** SQS hands out at most 10 messages a receive. */
const RECEIVE_BATCH = 10;

export const redriveCommand = (): Command =>
  new Command('redrive')
    .description('Send the events a dead-letter queue holds back to the function that failed them (a dry run unless --apply).')
    .requiredOption(
      '--queue <url|name>',
      'the dead-letter queue: its URL or name (stack outputs DeadLetterQueueUrl, RuleDeadLetterQueueUrl)',
    )
    .option('--dry-run', 'report each message and change nothing (the default)')
    .option('--apply', "invoke each message's function with its event, then delete the message")
    .option('--max <n>', 'handle at most this many messages', '1000')
    .option('--region <region>', 'AWS region (default: the credential chain)')
    .option('--profile <name>', 'AWS profile from ~/.aws/config (default: the credential chain)')
    .addHelpText(
      'after',
      `
Exit codes: 0 every message redriven (or, in a dry run, reported), 1 some messages stay in the queue (not a letter of this service, or the invocation failed: see each line), 2 usage or AWS setup error.

Examples:
  secrets-remediator redrive --queue secrets-remediator-prod-failed
  secrets-remediator redrive --queue secrets-remediator-prod-undelivered --apply`,
    )
    .action(async (options: Options) => {
      if (options.apply && options.dryRun) throw new UsageError('--dry-run and --apply: choose one (a dry run is the default)');
      const max = Number(options.max);
      if (!Number.isInteger(max) || max < 1)
        throw new UsageError(`--max: expected a whole number of messages, 1 or more, got "${options.max}"`);
      if (options.profile) process.env.AWS_PROFILE = options.profile;
      process.exitCode = await redrive(
        awsDeadLetters(options.region),
        { queue: options.queue, apply: options.apply === true, max },
        (line) => console.log(line),
      );
    });

/** What became of one message. */
type Fate = 'would redrive' | 'redriven' | 'left';

/**
 * Reads the queue (up to `max` messages), reports each one and, with `apply`, redrives it.
 * Returns the exit code: 1 when a message stays in the queue that `apply` should have taken.
 */
export const redrive = async (
  port: DeadLettersPort,
  options: { readonly queue: string; readonly apply: boolean; readonly max: number },
  say: (line: string) => void,
): Promise<ExitCode> => {
  const url = await port.queueUrl(options.queue);
  const seen = new Set<string>();
  const held: DeadLetter[] = [];
  const fates: Fate[] = [];
  try {
    while (seen.size < options.max) {
      const batch = (await port.receive(url, Math.min(RECEIVE_BATCH, options.max - seen.size), HIDE_SECONDS)).filter(
        (m) => !seen.has(m.messageId),
      );
      if (batch.length === 0) break;
      for (const message of batch) {
        seen.add(message.messageId);
        const { fate, line } = await handle(port, url, message, options.apply);
        if (fate !== 'redriven') held.push(message);
        fates.push(fate);
        say(`${message.messageId}: ${line}`);
      }
    }
  } finally {
    // What was not redriven goes back to the queue at once, for the next run or a person.
    for (const message of held) await port.release(url, message.receipt);
  }
  const count = (fate: Fate) => fates.filter((f) => f === fate).length;
  say(
    options.apply
      ? `${plural(count('redriven'), 'message')} redriven, ${count('left')} left in ${options.queue}`
      : `dry run: ${plural(count('would redrive'), 'message')} would be redriven, ${count('left')} would stay; run again with --apply`,
  );
  return options.apply && count('left') > 0 ? EXIT.findings : EXIT.ok;
};

const handle = async (port: DeadLettersPort, url: string, message: DeadLetter, apply: boolean): Promise<{ fate: Fate; line: string }> => {
  const letter = readDeadLetter(message.body, message.attributes);
  if (letter.kind === 'unreadable') return { fate: 'left', line: `left in the queue: ${letter.problem}` };
  const what = `${letter.functionArn} event ${letter.eventId ?? '(no id)'} (${letter.source}: ${letter.error})`;
  if (!apply) return { fate: 'would redrive', line: `would redrive to ${what}` };
  try {
    await port.invokeAsync(letter.functionArn, letter.payload);
  } catch (error) {
    return {
      fate: 'left',
      line: `left in the queue, the invocation failed (${(error as Error).name}: ${(error as Error).message}): ${what}`,
    };
  }
  await port.delete(url, message.receipt);
  return { fate: 'redriven', line: `redriven to ${what}` };
};
