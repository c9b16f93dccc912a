/**
 * `secrets-remediator replay` (and `npm start`): replays event files through the real
 * EventBridge patterns and the real handlers, against the in-memory sandbox account (default) or
 * a live account (`--live`).
 */
import { Command } from 'commander';
import { awsCloudTrailHistory, awsSecrets } from '../adapters/aws-account.js';
import { localHandlers } from '../replay/handlers.js';
import { routesFor } from '../rules/routes.js';
import { flushDigests } from '../replay/chain.js';
import { checkHistoryReplayFlags, DEFAULT_SINCE, historyReplayPorts, loadHistory } from '../replay/from-cloudtrail.js';
import { findEventFiles, type LoadedEvent, loadEvent } from '../replay/load-events.js';
import { replayFile } from '../replay/replay-file.js';
import { loadPolicy } from '../policy/load-policy.js';
import { RecordingChat } from '../sandbox/recording-chat.js';
import { type EventReport, formatReport, formatReportLine, formatSummary, summarize } from '../replay/report.js';
import { plural } from '../plural.js';
import { EXIT, UsageError } from './errors.js';
import { buildWorld, withWorldOptions, type WorldOptions } from './local-world.js';

interface Options extends WorldOptions {
  json: boolean;
  profile?: string;
  fromCloudtrail: boolean;
  since?: string;
  quiet: boolean;
  showPayloads: boolean;
}

export const replayCommand = (): Command =>
  withWorldOptions(
    new Command('replay')
      .description(
        'Replay Secrets Manager events through the rules and functions of secrets-remediator, against the sandbox account (or a live one).',
      )
      .argument(
        '[paths...]',
        'event files or folders (searched for *.json and *.json.gz): EventBridge events, CloudTrail records, CloudTrail log files from S3, aws cloudtrail lookup-events output',
        ['events'],
      )
      .option('--json', 'print one JSON object per event (JSON Lines), then one {"summary": ...} line', false)
      .option('--quiet', 'print one line per event, then the summary', false)
      .option(
        '--show-payloads',
        "with each alert's plain text, print the AWS Chatbot custom-notification JSON and the Slack Block Kit message it would send (in --json: the alert's chatbot and slack fields)",
        false,
      )
      .option(
        '--from-cloudtrail',
        "replay the account's own Secrets Manager history from CloudTrail (LookupEvents), in dry run, writing nothing: try the product on your real account before deploying it",
        false,
      )
      .option(
        '--since <when>',
        `with --from-cloudtrail: how far back, 30m, 12h, 7d (at most 90d) or an ISO date (default: ${DEFAULT_SINCE})`,
      )
      .option('--profile <name>', 'with --live or --from-cloudtrail: the AWS profile from ~/.aws/config (default: the credential chain)'),
  )
    .addHelpText(
      'after',
      `
Exit codes: 0 every event handled, 1 an event was rejected, 2 usage error (bad flag or value, missing file, invalid policy or account seed, AWS setup).

Examples:
  secrets-remediator replay                        replay events/ against the sandbox, in the policy's mode
  secrets-remediator replay --quiet                one line per event
  secrets-remediator replay --mode enforce         the same, applying the fixes (in the sandbox)
  secrets-remediator replay --json events/rotation-failed/fires.RotationFailed.published-umccr.json
  secrets-remediator replay --json | jq -c .summary
  secrets-remediator replay events/secret-deleted --show-payloads   each alert as email, Chatbot and Slack receive it
  secrets-remediator replay events/rotation-failed --account shared/sandbox/default-account.json   seed the sandbox from a file
  secrets-remediator replay AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/   a trail's log files (*.json.gz) as downloaded from S3
  aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventSource,AttributeValue=secretsmanager.amazonaws.com > history.json
  secrets-remediator replay history.json           lookup-events output
  secrets-remediator replay --from-cloudtrail --since 7d --region eu-west-1 --profile prod
                                                   try the product on your real account before deploying anything: the last 7 days
                                                   of its Secrets Manager history, in dry run; Secrets Manager is only read (needs
                                                   cloudtrail:LookupEvents, secretsmanager:DescribeSecret, ListSecretVersionIds,
                                                   GetResourcePolicy), nothing is published, sent or stored
  AWS_ENDPOINT_URL=http://localhost:4566 secrets-remediator replay --live --bus-name secrets-remediator-dev \\
      --topic-arn arn:aws:sns:us-east-1:000000000000:secrets-remediator-dev-alerts

npm start -- <flags> runs the same command.`,
    )
    .action(async (paths: string[], options: Options, command: Command) => {
      process.exitCode = await runReplay(paths, options, command.args.length > 0);
    });

export const runReplay = async (paths: readonly string[], options: Options, pathsGiven = true): Promise<number> => {
  if (options.json && options.quiet) throw new UsageError('--json and --quiet cannot be used together: pick one output');
  checkHistoryReplayFlags({ ...options, pathsGiven });
  if (options.profile) process.env.AWS_PROFILE = options.profile;
  const { policy, mode, ports, handlers, hub } = options.fromCloudtrail ? historyWorld(options) : buildWorld(options);
  // Either the account's own history (one source, read before anything runs: an AWS error is a
  // usage error, exit 2) or the files named, each loaded as the replay reaches it.
  const sources: ReadonlyArray<{ readonly name: string; readonly load: (file: string) => LoadedEvent }> = options.fromCloudtrail
    ? await historySource(options)
    : eventFiles(paths).map((file) => ({ name: file, load: loadEvent }));
  const render = (report: EventReport): string =>
    options.json ? JSON.stringify(report) : options.quiet ? formatReportLine(report) : `${formatReport(report)}\n`;

  const reports: EventReport[] = [];
  const notReplayed = { files: 0, records: 0 };
  for (const source of sources) {
    // Loading never throws (a bad file is its own rejection), so it can be looked at first.
    const loaded = source.load(source.name);
    // A trail's log file with no Secrets Manager record in it is counted, not printed: a day of logs is thousands of files.
    if (loaded.event.ok && loaded.source && loaded.source.secretsManager === 0) {
      notReplayed.files += 1;
      notReplayed.records += loaded.source.records;
      continue;
    }
    const { report, text } = await replayFile(
      source.name,
      { handlers, bus: ports.bus, notifier: ports.notifier, routes: routesFor(policy), ...(hub ?? {}) },
      { payloads: options.showPayloads, render },
      () => loaded,
    );
    reports.push(report);
    console.log(text);
  }
  if (notReplayed.files > 0) {
    const line = `${plural(notReplayed.files, 'CloudTrail log file')} held no Secrets Manager record (${plural(notReplayed.records, 'record')} of other services): not replayed.`;
    if (options.json) console.error(line);
    else console.log(line);
  }
  // Alerts held back by storm control go out in a digest when their window closes: the replay
  // does not wait for that, it runs alert-digest with its clock past every open window.
  const flushed = await flushDigests({ handlers, notifier: ports.notifier });
  if (!options.json && !options.quiet && flushed.alerts.length > 0) {
    const digests = flushed.alerts.map((alert) =>
      [
        `  ${alert.subject}`,
        ...alert.body
          .trimEnd()
          .split('\n')
          .map((line) => `    ${line}`),
        ...(options.showPayloads && alert.chatbot
          ? [
              '    Chatbot:',
              ...JSON.stringify(alert.chatbot, null, 2)
                .split('\n')
                .map((line) => `      ${line}`),
            ]
          : []),
      ].join('\n'),
    );
    console.log(`Digests (alert-digest sends these when the storm window closes):\n${digests.join('\n\n')}\n`);
  }
  const summary = summarize(reports, flushed.alerts.length, { topic: ports.notifier.sent, slack: ports.chat.sent });
  console.log(options.json ? JSON.stringify({ summary }) : formatSummary(summary, { mode, live: options.live || options.fromCloudtrail }));
  return summary.rejected > 0 ? EXIT.findings : EXIT.ok;
};

const eventFiles = (paths: readonly string[]): string[] => {
  try {
    return findEventFiles(paths);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `${error instanceof Error ? error.message : String(error)}: give event files or folders that exist (e.g. events/)`,
      { cause: error },
    );
  }
};

/**
 * The world of a history replay: the real account's Secrets Manager for reads only, everything
 * else in memory, and a dry run whatever the policy says (it is how a team looks before it deploys).
 */
const historyWorld = (options: Options) => {
  const policy = loadPolicy({ file: options.policy, stage: options.stage });
  const ports = {
    ...historyReplayPorts(awsSecrets(options.region), options.region),
    chat: new RecordingChat(),
    history: awsCloudTrailHistory(options.region),
  };
  const mode = 'dry-run' as const;
  return { policy, mode, ports, handlers: localHandlers(ports, { policy, mode, stage: options.stage }), hub: undefined };
};

const historySource = async (options: Options) => {
  const loaded = await loadHistory(awsCloudTrailHistory(options.region), {
    since: options.since ?? DEFAULT_SINCE,
    region: options.region,
    profile: options.profile,
    progress: true,
  });
  return [{ name: loaded.file, load: () => loaded }];
};
