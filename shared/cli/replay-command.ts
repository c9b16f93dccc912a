/**
 * `secrets-remediator replay` (and `npm start`): replays event files through the real
 * EventBridge patterns and the real handlers, against the in-memory sandbox account (default) or
 * a live account (`--live`).
 */
import { Command } from 'commander';
import { routesFor } from '../rules/routes.js';
import { flushDigests } from '../replay/chain.js';
import { findEventFiles } from '../replay/load-events.js';
import { replayFile } from '../replay/replay-file.js';
import { type EventReport, formatReport, formatReportLine, formatSummary, summarize } from '../replay/report.js';
import { EXIT, UsageError } from './errors.js';
import { buildWorld, withWorldOptions, type WorldOptions } from './local-world.js';

interface Options extends WorldOptions {
  json: boolean;
  quiet: boolean;
  showPayloads: boolean;
}

export const replayCommand = (): Command =>
  withWorldOptions(
    new Command('replay')
      .description('Replay Secrets Manager events through the rules and functions of secrets-remediator, against the sandbox account (or a live one).')
      .argument('[paths...]', 'event files or folders (searched for *.json)', ['events'])
      .option('--json', 'print one JSON object per event (JSON Lines), then one {"summary": ...} line', false)
      .option('--quiet', 'print one line per event, then the summary', false)
      .option(
        '--show-payloads',
        "with each alert's plain text, print the AWS Chatbot custom-notification JSON and the Slack Block Kit message it would send (in --json: the alert's chatbot and slack fields)",
        false,
      ),
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
  AWS_ENDPOINT_URL=http://localhost:4566 secrets-remediator replay --live --bus-name secrets-remediator-dev \\
      --topic-arn arn:aws:sns:us-east-1:000000000000:secrets-remediator-dev-alerts

npm start -- <flags> runs the same command.`,
    )
    .action(async (paths: string[], options: Options) => {
      process.exitCode = await runReplay(paths, options);
    });

export const runReplay = async (paths: readonly string[], options: Options): Promise<number> => {
  if (options.json && options.quiet) throw new UsageError('--json and --quiet cannot be used together: pick one output');
  let files: string[];
  try {
    files = findEventFiles(paths);
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}: give event files or folders that exist (e.g. events/)`, { cause: error });
  }
  const { policy, mode, ports, handlers } = buildWorld(options);
  const render = (report: EventReport): string => (options.json ? JSON.stringify(report) : options.quiet ? formatReportLine(report) : `${formatReport(report)}\n`);

  const reports: EventReport[] = [];
  for (const file of files) {
    const { report, text } = await replayFile(file, { handlers, bus: ports.bus, notifier: ports.notifier, routes: routesFor(policy) }, { payloads: options.showPayloads, render });
    reports.push(report);
    console.log(text);
  }
  // Alerts held back by storm control go out in a digest when their window closes: the replay
  // does not wait for that, it runs alert-digest with its clock past every open window.
  const flushed = await flushDigests({ handlers, notifier: ports.notifier });
  if (!options.json && !options.quiet && flushed.alerts.length > 0) {
    const digests = flushed.alerts.map((alert) =>
      [
        `  ${alert.subject}`,
        ...alert.body.trimEnd().split('\n').map((line) => `    ${line}`),
        ...(options.showPayloads && alert.chatbot ? ['    Chatbot:', ...JSON.stringify(alert.chatbot, null, 2).split('\n').map((line) => `      ${line}`)] : []),
      ].join('\n'),
    );
    console.log(`Digests (alert-digest sends these when the storm window closes):\n${digests.join('\n\n')}\n`);
  }
  const summary = summarize(reports, flushed.alerts.length, { topic: ports.notifier.sent, slack: ports.chat.sent });
  console.log(options.json ? JSON.stringify({ summary }) : formatSummary(summary, { mode, live: options.live }));
  return summary.rejected > 0 ? EXIT.findings : EXIT.ok;
};
