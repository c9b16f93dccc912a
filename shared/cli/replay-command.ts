/**
 * `npm start`: replays sample events through the real EventBridge patterns and the real
 * handlers, against the in-memory sandbox account (default) or a live account (`--live`).
 */
import { Command, Option } from 'commander';
import { awsAccount } from '../adapters/aws-account.js';
import { type Mode, ModeSchema } from '../contracts/finding.js';
import { loadPolicy } from '../policy/load-policy.js';
import { routesFor } from '../rules/routes.js';
import { systemClock } from '../ports/clock.js';
import type { Ports } from '../ports/index.js';
import { flushDigests, runChain } from '../replay/chain.js';
import { localHandlers } from '../replay/handlers.js';
import { findEventFiles, loadEvent } from '../replay/load-events.js';
import { buildReport, type EventReport, formatReport } from '../replay/report.js';
import { RecordingBus } from '../sandbox/recording-bus.js';
import { RecordingNotifier } from '../sandbox/recording-notifier.js';
import { MemoryLedger } from '../sandbox/memory-ledger.js';
import { loadAccountSeed, sandboxAccount } from '../sandbox/sandbox-account.js';

/** The policy of the sample world in events/ (the deployment's own is policy.yml at the top). */
const DEFAULT_REPLAY_POLICY = 'events/policy.yml';

interface Options {
  json: boolean;
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
  showPayloads: boolean;
}

const program = new Command()
  .name('npm start --')
  .description('Replay Secrets Manager events through the rules and functions of secrets-remediator.')
  .argument('[paths...]', 'event files or folders (searched for *.json)', ['events'])
  .option('--json', 'print one JSON object per event (JSON Lines)', false)
  .option(
    '--show-payloads',
    "with each alert's plain text, print the AWS Chatbot custom-notification JSON and the Slack Block Kit message it would send (in --json: the alert's chatbot and slack fields)",
    false,
  )
  .addOption(new Option('--mode <mode>', "remediation mode; overrides the policy's mode").choices(ModeSchema.options))
  .option('--policy <file>', 'the policy file to classify and act by', DEFAULT_REPLAY_POLICY)
  .option('--stage <stage>', "the stage whose overrides in the policy apply; also names the service's own roles", 'dev')
  .option('--account <file>', 'seed the sandbox account from this JSON file (default: shared/sandbox/default-account.json)')
  .option('--live', 'use the AWS account and endpoint of the credential chain and AWS_ENDPOINT_URL instead of the sandbox', false)
  .option('--bus-name <name>', 'with --live: the project event bus to publish findings and results to')
  .option('--topic-arn <arn>', 'with --live: the SNS topic to publish alerts to')
  .option('--ledger-table <name>', 'with --live: the DynamoDB ledger table (default: a ledger in this process only)')
  .option('--region <region>', 'with --live: the AWS region (default: the credential chain)')
  .option('--verbose', "show the functions' structured logs", false)
  .addHelpText(
    'after',
    `
Examples:
  npm start                                   replay events/ against the sandbox, in the policy's mode
  npm start -- --mode enforce                 the same, applying the fixes (in the sandbox)
  npm start -- events/rotation-failed/fires.RotationFailed.published-umccr.json --json
  npm start -- events/secret-deleted --show-payloads   each alert as email, Chatbot and Slack receive it
  npm start -- my-events/ --account my-account.json
  AWS_ENDPOINT_URL=http://localhost:4566 npm start -- --live --bus-name secrets-remediator-dev \\
      --topic-arn arn:aws:sns:us-east-1:000000000000:secrets-remediator-dev-alerts`,
  );

const main = async (): Promise<number> => {
  program.parse();
  const options = program.opts<Options>();
  const paths = program.processedArgs[0] as string[];

  const policy = loadPolicy({ file: options.policy, stage: options.stage });
  const mode = options.mode ?? policy.mode;
  const ports = buildPorts(options);
  const handlers = localHandlers(ports, { policy, mode });

  const reports: EventReport[] = [];
  for (const file of findEventFiles(paths)) {
    const loaded = loadEvent(file);
    const report = loaded.event.ok
      ? buildReport(
          loaded.file,
          await runChain(loaded.event.value, { handlers, bus: ports.bus, notifier: ports.notifier, routes: routesFor(policy) }),
          loaded.event.wrapped,
          { payloads: options.showPayloads },
        )
      : { event: loaded.file, matched: [], routes: [], findings: [], rejected: [loaded.event.problem] };
    reports.push(report);
    console.log(options.json ? JSON.stringify(report) : `${formatReport(report)}\n`);
  }
  // Alerts held back by storm control go out in a digest when their window closes: the replay
  // does not wait for that, it runs alert-digest with its clock past every open window.
  const flushed = await flushDigests({ handlers, notifier: ports.notifier });
  if (!options.json && flushed.alerts.length > 0) {
    const digests = flushed.alerts.map((alert) =>
      [
        `  ${alert.subject}`,
        ...alert.body.trimEnd().split('\n').map((line) => `    ${line}`),
        ...(options.showPayloads && alert.chatbot ? ['    Chatbot:', ...JSON.stringify(alert.chatbot, null, 2).split('\n').map((line) => `      ${line}`)] : []),
      ].join('\n'),
    );
    console.log(`Digests (alert-digest sends these when the storm window closes):\n${digests.join('\n\n')}\n`);
  }
  if (!options.json) console.log(summary(reports, mode, options.live));
  return reports.some((r) => r.rejected) ? 1 : 0;
};

const buildPorts = (options: Options): Ports & { bus: RecordingBus; notifier: RecordingNotifier } => {
  if (options.live) {
    if (options.account) throw new UsageError('--account seeds the sandbox; it cannot be used with --live');
    if (!options.busName || !options.topicArn) throw new UsageError('--live needs --bus-name and --topic-arn');
    const live = awsAccount({
      eventBusName: options.busName,
      alertTopicArn: options.topicArn,
      // Without a table, claims and write counts live in this process only.
      ledger: options.ledgerTable ?? new MemoryLedger(() => systemClock.now()),
      ...(options.region ? { region: options.region } : {}),
    });
    return {
      ...live,
      bus: new RecordingBus({ account: 'live', region: options.region ?? process.env.AWS_REGION ?? 'unknown' }, systemClock, live.bus),
      notifier: new RecordingNotifier(live.notifier),
    };
  }
  return sandboxAccount(loadAccountSeed(options.account), systemClock);
};

const summary = (reports: readonly EventReport[], mode: Mode, live: boolean): string => {
  const findings = reports.flatMap((r) => r.findings);
  const outcomes = findings.flatMap((f) => f.actions.map((a) => a.outcome));
  const count = (outcome: string) => outcomes.filter((o) => o === outcome).length;
  const rejected = reports.filter((r) => r.rejected).length;
  const lines = [
    `${reports.length} events replayed against ${live ? 'the live account' : 'the sandbox account'} in ${mode} mode: ` +
      `${reports.filter((r) => r.matched.length > 0).length} routed, ${findings.length} findings, ` +
      `actions ${count('applied')} applied, ${count('planned')} planned, ${count('skipped')} skipped, ${count('blocked')} blocked, ${count('failed')} failed; ` +
      `${findings.filter((f) => f.alert).length} alerts; ${rejected} rejected.`,
  ];
  if (mode === 'dry-run' && count('planned') > 0) lines.push('Dry run: no secret was changed. Run with --mode enforce to apply the planned fixes.');
  return lines.join('\n');
};

class UsageError extends Error {}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
