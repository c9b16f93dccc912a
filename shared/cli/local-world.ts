/**
 * What `replay` and `invoke` run against: the policy, the mode, the ports (the in-memory sandbox
 * account by default, a live account with `--live`) and every function's handler on them. One
 * place, so the two subcommands take the same flags and wire the functions the same way.
 */
import { type Command, Option } from 'commander';
import { awsAccount, awsCloudTrailHistory, awsMemberPorts } from '../adapters/aws-account.js';
import { type Mode, ModeSchema } from '../contracts/finding.js';
import { loadPolicy } from '../policy/load-policy.js';
import type { Policy } from '../policy/schema.js';
import { systemClock } from '../ports/clock.js';
import type { Ports } from '../ports/index.js';
import type { CloudTrailHistoryPort } from '../ports/cloudtrail-history.js';
import type { MemberPorts } from '../domain/member-reach.js';
import type { Handlers } from '../replay/chain.js';
import { localHandlers } from '../replay/handlers.js';
import { liveHub, liveReplayMembers } from '../replay/live-members.js';
import { MemoryLedger } from '../sandbox/memory-ledger.js';
import { RecordingBus } from '../sandbox/recording-bus.js';
import { RecordingChat } from '../sandbox/recording-chat.js';
import { RecordingNotifier } from '../sandbox/recording-notifier.js';
import { loadAccountSeed, sandboxAccount } from '../sandbox/sandbox-account.js';
import { UsageError } from './errors.js';

/** The policy of the sample world in events/ (the deployment's own is policy.yml at the top). */
export const DEFAULT_REPLAY_POLICY = 'events/policy.yml';

export interface WorldOptions {
  mode?: Mode;
  policy: string;
  stage: string;
  account?: string;
  live: boolean;
  busName?: string;
  topicArn?: string;
  ledgerTable?: string;
  region?: string;
  verbose: boolean;
}

/** The flags that choose the world: the same on `replay` and `invoke`. */
export const withWorldOptions = (command: Command): Command =>
  command
    .addOption(new Option('--mode <mode>', "remediation mode; overrides the policy's mode").choices(ModeSchema.options))
    .option('--policy <file>', 'the policy file to classify and act by', DEFAULT_REPLAY_POLICY)
    .option('--stage <stage>', "the stage whose overrides in the policy apply; also names the service's own roles", 'dev')
    .option('--account <file>', 'seed the sandbox account from this JSON file (default: shared/sandbox/default-account.json)')
    .option(
      '--live',
      'use the AWS account and endpoint of the credential chain and AWS_ENDPOINT_URL instead of the sandbox (organisation mode: as the hub that owns --topic-arn, reading members through their read role, never acting there)',
      false,
    )
    .option('--bus-name <name>', 'with --live: the project event bus to publish findings and results to')
    .option('--topic-arn <arn>', 'with --live: the SNS topic to publish alerts to')
    .option('--ledger-table <name>', 'with --live: the DynamoDB ledger table (default: a ledger in this process only)')
    .option('--region <region>', 'with --live: the AWS region (default: the credential chain)')
    .option('--verbose', "show the functions' structured logs", false);

/** The ports of a local run, with the recorders that say what it published and sent. */
export type WorldPorts = Ports &
  MemberPorts & {
    readonly bus: RecordingBus;
    readonly notifier: RecordingNotifier;
    readonly chat: RecordingChat;
    readonly history?: CloudTrailHistoryPort;
  };

export interface World {
  readonly policy: Policy;
  readonly mode: Mode;
  readonly ports: WorldPorts;
  readonly handlers: Handlers;
  /**
   * Where the functions run in organisation mode: the hub. In the sandbox the seed's account and
   * region (events of members are reached through the sandbox's member views); live, the account
   * and region of the hub's alert topic (members reached through shared/replay/live-members.ts).
   * Absent: where each event happened, as a single-account deployment there would.
   */
  readonly hub?: { readonly account: string; readonly region: string };
}

export const buildWorld = (options: WorldOptions): World => {
  const policy = loadPolicy({ file: options.policy, stage: options.stage });
  const mode = options.mode ?? policy.mode;
  const { ports, hub } = buildPorts(options, policy, mode);
  const handlers = localHandlers(ports, { policy, mode, stage: options.stage });
  return { policy, mode, ports, handlers, ...(policy.organisation.enabled && hub ? { hub } : {}) };
};

const buildPorts = (options: WorldOptions, policy: Policy, mode: Mode): { ports: WorldPorts; hub?: World['hub'] } => {
  if (options.live) {
    if (options.account) throw new UsageError('--account seeds the sandbox; it cannot be used with --live');
    if (!options.busName || !options.topicArn) throw new UsageError('--live needs --bus-name and --topic-arn');
    // In organisation mode the replay stands in for the hub that owns the topic, and reaches the
    // members as shared/replay/live-members.ts says: reads through their read role, no action.
    const hub = policy.organisation.enabled ? liveHub(options.topicArn, options.region) : undefined;
    const region = options.region ?? hub?.region;
    const reach = hub ? awsMemberPorts(policy) : {};
    const live = awsAccount({
      eventBusName: options.busName,
      alertTopicArn: options.topicArn,
      // Without a table, claims and write counts live in this process only.
      ledger: options.ledgerTable ?? new MemoryLedger(() => systemClock.now()),
      ...(region ? { region } : {}),
    });
    return {
      ...(hub ? { hub } : {}),
      ports: {
        ...live,
        ...(reach.organisation ? { organisation: reach.organisation } : {}),
        ...(reach.members
          ? { members: liveReplayMembers({ members: reach.members, organisation: policy.organisation, stage: options.stage, mode }) }
          : {}),
        bus: new RecordingBus(hub ?? { account: 'live', region: region ?? process.env.AWS_REGION ?? 'unknown' }, systemClock, live.bus),
        notifier: new RecordingNotifier(live.notifier),
        // A live replay posts nothing to Slack: the messages stay in this process, to be counted.
        chat: new RecordingChat(),
        // restore-secret asks who deleted a secret that is still read.
        history: awsCloudTrailHistory(region),
      },
    };
  }
  const seed = loadAccountSeed(options.account);
  return { ports: sandboxAccount(seed, systemClock), hub: { account: seed.account, region: seed.region } };
};
