/**
 * `secrets-remediator redrive`: after a fix, sends the events a dead-letter queue holds back to
 * the function that failed them.
 *
 * - `--queue <url|name>`: one of the hub's own queues (`<service>-<stage>-failed`,
 *   `<service>-<stage>-undelivered`); each letter names the function it goes back to.
 * - `--member-account ID --member-region R --stage S` (organisation mode): the forward queue of
 *   the member stack there (`<service>-<stage>-forward-undelivered`), which keeps the events the
 *   hub's bus did not take. It is read in the member account through the member's redrive role
 *   (assumed from the hub account, as `scan --accounts` does), and each event goes to the hub's
 *   classify, as the hub's rule for forwarded events would have sent it.
 *
 * Flags rather than a member queue's URL: the alarm notification names the account and the
 * region, the queue and the role follow from them and the stage (nothing to copy from a member
 * stack's outputs, no URL to mistype into another account's queue), and a queue that is read as
 * another role and whose events go to another function than its letters name is said on the
 * command line, not guessed from the URL's account.
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
 * event it had handled harmless. A member's event is a claim like every forwarded event:
 * classify reads the account's state through the member's role before anything is acted on.
 */
import { Command, InvalidArgumentError } from 'commander';
import { awsDeadLetters, awsMemberDeadLetters } from '../adapters/sqs-dead-letters.js';
import { readDeadLetter } from '../domain/dead-letter.js';
import { forwardQueueAlarmNames, forwardQueueName, type MemberPlace, readForwardedLetter } from '../domain/member-forwarding.js';
import { memberRoleArn } from '../domain/organisation-scope.js';
import { partitionOf } from '../domain/partition.js';
import { SERVICE_NAME, stageProblem } from '../domain/service-roles.js';
import { MemberAccessError } from '../errors.js';
import { plural } from '../plural.js';
import { loadPolicy } from '../policy/load-policy.js';
import type { DeadLetter, DeadLettersPort } from '../ports/dead-letters.js';
import { compilePattern } from '../rules/match-pattern.js';
import { EXIT, type ExitCode, UsageError } from './errors.js';
import { forwardedRoutes } from './organisation-deployment.js';
import { parseRoleName } from './scan-organisation.js';

interface Options {
  queue?: string;
  memberAccount?: string;
  memberRegion?: string;
  stage?: string;
  policy?: string;
  roleName?: string;
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
/** What the member's CloudTrail shows for the redrive role's session. */
const SESSION = 'secrets-remediator-redrive';

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2,}(-[a-z]+)+-\d+$/;

const parseAccount = (value: string): string => {
  if (!ACCOUNT.test(value)) throw new InvalidArgumentError('expected a 12-digit account id');
  return value;
};
const parseRegion = (value: string): string => {
  if (!REGION.test(value)) throw new InvalidArgumentError('expected a region name (e.g. eu-west-1)');
  return value;
};

export const redriveCommand = (): Command =>
  new Command('redrive')
    .description('Send the events a dead-letter queue holds back to the function that failed them (a dry run unless --apply).')
    .option(
      '--queue <url|name>',
      'a dead-letter queue of the hub: its URL or name (stack outputs DeadLetterQueueUrl, RuleDeadLetterQueueUrl)',
    )
    .option(
      '--member-account <id>',
      "organisation mode, with --member-region and --stage: the forward queue of that account's member stack, read through its redrive role; its events go to the hub's classify",
      parseAccount,
    )
    .option('--member-region <region>', "with --member-account: the member stack's region", parseRegion)
    .option('--stage <stage>', "with --member-account: the hub's stage (it names the queue and the role)")
    .option(
      '--policy <file>',
      "with --member-account: the hub's policy file (the member roles' prefix, the forwarded patterns); default policy.yml",
    )
    .option(
      '--role-name <name>',
      "with --member-account: the role to assume in the member (default: the member stack's redrive role for --stage and the region)",
      parseRoleName,
    )
    .option('--dry-run', 'report each message and change nothing (the default)')
    .option('--apply', "invoke each message's function with its event, then delete the message")
    .option('--max <n>', 'handle at most this many messages', '1000')
    .option('--region <region>', "AWS region of the hub (default: the credential chain); a member's queue is read in --member-region")
    .option('--profile <name>', 'AWS profile from ~/.aws/config (default: the credential chain)')
    .addHelpText(
      'after',
      `
Exit codes: 0 every message redriven (or, in a dry run, reported), 1 some messages stay in the queue (not a letter of this service, not an event the member's forwarding rules send, or the invocation failed: see each line), 2 usage or AWS setup error (a role that cannot be assumed, a queue that does not exist).

Examples:
  secrets-remediator redrive --queue secrets-remediator-prod-failed
  secrets-remediator redrive --queue secrets-remediator-prod-undelivered --apply
  secrets-remediator redrive --member-account 444455556666 --member-region eu-west-1 --stage prod --region us-east-1`,
    )
    .action(async (options: Options) => {
      if (options.apply && options.dryRun) throw new UsageError('--dry-run and --apply: choose one (a dry run is the default)');
      const max = Number(options.max);
      if (!Number.isInteger(max) || max < 1)
        throw new UsageError(`--max: expected a whole number of messages, 1 or more, got "${options.max}"`);
      if (options.profile) process.env.AWS_PROFILE = options.profile;
      const apply = options.apply === true;
      const say = (line: string) => console.log(line);
      const member = memberQueue(options);
      process.exitCode = member
        ? await redriveMember(member, { apply, max, hubRegion: options.region }, say)
        : await redrive(awsDeadLetters(options.region), { queue: options.queue ?? '', apply, max }, say);
    });

/** A member's forward queue, as the flags name it. */
export interface MemberQueue {
  readonly place: MemberPlace;
  readonly stage: string;
  readonly policyFile: string;
  readonly roleName?: string;
}

/** Which queue the flags name: a member's forward queue, or undefined for `--queue`; a UsageError for flags that do not go together. */
export const memberQueue = (options: Omit<Options, 'max'>): MemberQueue | undefined => {
  const memberFlags = (['stage', 'policy', 'roleName'] as const).filter((flag) => options[flag] !== undefined);
  const flag = (name: string) => `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
  if (options.memberAccount === undefined && options.memberRegion === undefined) {
    if (options.queue === undefined)
      throw new UsageError(
        "name the queue: --queue <url|name> for one of the hub's, or --member-account ID --member-region R --stage S for a member stack's forward queue",
      );
    if (memberFlags.length > 0)
      throw new UsageError(
        `${memberFlags.map(flag).join(', ')}: only with --member-account and --member-region (a member's forward queue)`,
      );
    return undefined;
  }
  if (options.queue !== undefined)
    throw new UsageError("--queue and --member-account both name the queue: pass --queue for the hub's, --member-account for a member's");
  if (options.memberAccount === undefined || options.memberRegion === undefined)
    throw new UsageError('--member-account and --member-region go together: the forward queue is per account and region');
  if (options.stage === undefined)
    throw new UsageError("--member-account needs --stage: the hub's stage names the member's queue and its redrive role");
  const problem = stageProblem(options.stage);
  if (problem) throw new UsageError(`--stage: ${problem}`);
  return {
    place: { account: options.memberAccount, region: options.memberRegion },
    stage: options.stage,
    policyFile: options.policy ?? 'policy.yml',
    ...(options.roleName !== undefined ? { roleName: options.roleName } : {}),
  };
};

/**
 * A member's forward queue: the redrive role assumed there, the queue read, and each event the
 * member's forwarding rules could have sent handed to the hub's classify.
 * @param connect - the port for the queue through the role (default: SQS through STS, Lambda in `hubRegion`)
 */
export const redriveMember = async (
  member: MemberQueue,
  options: { readonly apply: boolean; readonly max: number; readonly hubRegion: string | undefined },
  say: (line: string) => void,
  connect: (roleArn: string) => Promise<DeadLettersPort> = (roleArn) =>
    awsMemberDeadLetters({ ...member.place, roleArn, session: SESSION }, options.hubRegion),
): Promise<ExitCode> => {
  const { place, stage } = member;
  const policy = loadPolicy({ file: member.policyFile, stage });
  if (!policy.organisation.enabled)
    throw new UsageError(
      `${member.policyFile} (stage ${stage}) leaves organisation mode off: there are no member stacks and no forward queues; pass the hub's policy with --policy`,
    );
  const roleArn =
    member.roleName !== undefined
      ? `arn:${partitionOf(place.region)}:iam::${place.account}:role/${member.roleName}`
      : memberRoleArn(policy.organisation, stage, 'redrive', place);
  const queue = forwardQueueName(stage);
  const where = `${queue} of account ${place.account} in ${place.region}`;
  let port: DeadLettersPort;
  try {
    port = await connect(roleArn);
  } catch (error) {
    if (!(error instanceof MemberAccessError)) throw error;
    throw new UsageError(
      `cannot read ${where}: cannot assume ${roleArn}. Check that the member stack is deployed there (a StackSet instance: docs/organisation.md), ` +
        'that these credentials are of the hub account and allowed sts:AssumeRole on that role by their identity policy (the redrive role trusts the hub account within the organisation), or pass --role-name with a role they may assume. ' +
        `(${error.message})`,
      { cause: error },
    );
  }
  const classify = `${SERVICE_NAME}-${stage}-classify`;
  const matchers = forwardedRoutes(policy).map((route) => compilePattern(route.pattern));
  const context = {
    place,
    alarmNames: forwardQueueAlarmNames(stage),
    forwardable: (event: unknown) => matchers.some((matches) => matches(event)),
  };
  const read = (message: DeadLetter): Plan => {
    const letter = readForwardedLetter(message.body, message.attributes, context);
    if (letter.kind === 'unreadable') return { kind: 'leave', problem: letter.problem };
    if (letter.kind === 'alarm')
      return {
        kind: 'drop',
        what: `the state change of alarm ${letter.alarmName}, which said this queue holds letters: nothing to send on`,
      };
    return {
      kind: 'send',
      functionArn: classify,
      payload: letter.payload,
      what: `${classify} event ${letter.eventId ?? '(no id)'} (${letter.what}; undelivered: ${letter.error})`,
    };
  };
  try {
    return await redrive(port, { queue, label: where, apply: options.apply, max: options.max, read }, say);
  } catch (error) {
    throw queueProblem(error, where, roleArn) ?? error;
  }
};

/** SQS's refusals of the member's queue, as what to do. */
const queueProblem = (error: unknown, where: string, roleArn: string): UsageError | undefined => {
  const name = (error as { name?: unknown }).name;
  if (name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue')
    return new UsageError(
      `there is no queue ${where}: the member stack there is not deployed, or forwards nothing (the hub's own account in the hub's region), or --stage is not the hub's`,
      { cause: error },
    );
  if (name === 'AccessDenied' || name === 'AccessDeniedException')
    return new UsageError(
      `${roleArn} may not read ${where}: the member stack there predates the grant (deploy the hub again so the StackSet updates it), or --role-name names another role. (${(error as Error).message})`,
      { cause: error },
    );
  return undefined;
};

/** What to do with one message: send its event to a function, delete it (nothing to send on), or leave it. */
export type Plan =
  | { readonly kind: 'send'; readonly functionArn: string; readonly payload: string; readonly what: string }
  | { readonly kind: 'drop'; readonly what: string }
  | { readonly kind: 'leave'; readonly problem: string };

/** A letter of the hub's own queues: back to the service function it names. */
const readHubLetter = (message: DeadLetter): Plan => {
  const letter = readDeadLetter(message.body, message.attributes);
  if (letter.kind === 'unreadable') return { kind: 'leave', problem: letter.problem };
  return {
    kind: 'send',
    functionArn: letter.functionArn,
    payload: letter.payload,
    what: `${letter.functionArn} event ${letter.eventId ?? '(no id)'} (${letter.source}: ${letter.error})`,
  };
};

/** What became of one message. */
type Fate = 'would redrive' | 'redriven' | 'would delete' | 'deleted' | 'left';

/**
 * Reads the queue (up to `max` messages), reports each one and, with `apply`, redrives it.
 * Returns the exit code: 1 when a message stays in the queue that `apply` should have taken.
 * @param options.read - what each message is (default: a letter of the hub's own queues)
 * @param options.label - the queue as the summary names it (default: `queue`)
 */
export const redrive = async (
  port: DeadLettersPort,
  options: {
    readonly queue: string;
    readonly apply: boolean;
    readonly max: number;
    readonly read?: (message: DeadLetter) => Plan;
    readonly label?: string;
  },
  say: (line: string) => void,
): Promise<ExitCode> => {
  const url = await port.queueUrl(options.queue);
  const read = options.read ?? readHubLetter;
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
        const { fate, line } = await handle(port, url, message, read(message), options.apply);
        if (fate !== 'redriven' && fate !== 'deleted') held.push(message);
        fates.push(fate);
        say(`${message.messageId}: ${line}`);
      }
    }
  } finally {
    // What was not redriven goes back to the queue at once, for the next run or a person.
    for (const message of held) await port.release(url, message.receipt);
  }
  const count = (fate: Fate) => fates.filter((f) => f === fate).length;
  const dropped = (fate: Fate, words: string) => (count(fate) > 0 ? `, ${count(fate)} ${words}` : '');
  const label = options.label ?? options.queue;
  say(
    options.apply
      ? `${plural(count('redriven'), 'message')} redriven${dropped('deleted', 'deleted (nothing to send on)')}, ${count('left')} left in ${label}`
      : `dry run: ${plural(count('would redrive'), 'message')} would be redriven${dropped('would delete', 'would be deleted (nothing to send on)')}, ${count('left')} would stay; run again with --apply`,
  );
  return options.apply && count('left') > 0 ? EXIT.findings : EXIT.ok;
};

const handle = async (
  port: DeadLettersPort,
  url: string,
  message: DeadLetter,
  plan: Plan,
  apply: boolean,
): Promise<{ fate: Fate; line: string }> => {
  if (plan.kind === 'leave') return { fate: 'left', line: `left in the queue: ${plan.problem}` };
  if (plan.kind === 'drop') {
    if (!apply) return { fate: 'would delete', line: `would delete ${plan.what}` };
    await port.delete(url, message.receipt);
    return { fate: 'deleted', line: `deleted ${plan.what}` };
  }
  if (!apply) return { fate: 'would redrive', line: `would redrive to ${plan.what}` };
  try {
    await port.invokeAsync(plan.functionArn, plan.payload);
  } catch (error) {
    return {
      fate: 'left',
      line: `left in the queue, the invocation failed (${(error as Error).name}: ${(error as Error).message}): ${plan.what}`,
    };
  }
  await port.delete(url, message.receipt);
  return { fate: 'redriven', line: `redriven to ${plan.what}` };
};
