/**
 * `secrets-remediator scan` (and `npm run scan`): the sweep, for people and CI. Reads a live account (the usual credential chain,
 * `--region`/`--profile`, `AWS_ENDPOINT_URL`) or the in-memory sandbox (`--sandbox`), judges every
 * secret by the policy, prints a table, writes JSON/SARIF with `--output`, and exits non-zero when
 * there are findings at or above `--fail-on`. It never writes to the account: it is given only
 * the reads (ListSecrets, DescribeSecret, ListSecretVersionIds, GetResourcePolicy).
 */
import { randomUUID } from 'node:crypto';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { awsSweepReads } from '../adapters/aws-account.js';
import { type Severity, SeveritySchema } from '../contracts/finding.js';
import { loadPolicy } from '../policy/load-policy.js';
import { loadAccountSeed, sandboxAccount } from '../sandbox/sandbox-account.js';
import { runSweep, type SweepProgress, type SweepReads } from '../sweep/run-sweep.js';
import { type FindingsWriter, openWriter, summaryTable } from '../sweep/scan-output.js';
import { atLeast } from '../sweep/summary.js';
import { EXIT, UsageError } from './errors.js';


interface Options {
  sandbox: boolean;
  account?: string;
  region?: string;
  profile?: string;
  policy?: string;
  stage: string;
  output: string[];
  failOn: Severity | 'none';
  callsPerSecond?: number;
  progress: boolean;
}

const positiveInt = (max: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`expected an integer from 1 to ${max}`);
  return n;
};

export const scanCommand = (): Command =>
  new Command('scan')
  .description('Check every secret of an account against the policy (read-only): rotation, use, KMS key, stale AWSPENDING, resource policy, deletion.')
  .option('--sandbox', 'scan the in-memory sandbox account instead of AWS', false)
  .option('--account <file>', 'with --sandbox: the account seed (default: shared/sandbox/default-account.json)')
  .option('--region <region>', 'AWS region (default: the credential chain)')
  .option('--profile <name>', 'AWS profile from ~/.aws/config (default: the credential chain)')
  .option('--policy <file>', 'the policy file (default: policy.yml; events/policy.yml with --sandbox)')
  .option('--stage <stage>', 'the stage whose overrides in the policy apply', 'dev')
  .option('--output <file...>', 'write findings to FILE: SARIF 2.1.0 when it ends in .sarif, else JSON', [])
  .addOption(
    new Option('--fail-on <severity>', 'exit 1 when a finding of this severity or worse exists ("none": never)')
      .choices([...SeveritySchema.options, 'none'])
      .default('high'),
  )
  .option('--calls-per-second <n>', "ListSecrets calls per second (default: the policy's sweep.listCallsPerSecond; the quota is 100)", positiveInt(100))
  .option('--no-progress', 'no progress bar (it is shown only on a terminal anyway)')
  .addHelpText(
    'after',
    `
Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error or the scan failed (bad flag or value, invalid policy, AWS setup).

Examples:
  secrets-remediator scan --sandbox
  secrets-remediator scan --region eu-west-1 --output findings.json findings.sarif --fail-on critical
  AWS_ENDPOINT_URL=http://localhost:4566 secrets-remediator scan --policy policy.yml

npm run scan -- <flags> runs the same command.`,
  )
  .action(async (options: Options) => {
    process.exitCode = await runScan(options);
  });

/** The scan itself: what the flags ask for, read, judged, printed and written. */
export const runScan = async (options: Options): Promise<number> => {
  if (options.account && !options.sandbox) throw new UsageError('--account seeds the sandbox: use it with --sandbox');
  if (options.profile) process.env.AWS_PROFILE = options.profile;
  const policyFile = options.policy ?? (options.sandbox ? 'events/policy.yml' : 'policy.yml');
  const policy = loadPolicy({ file: policyFile, stage: options.stage });
  const { reads, now, source } = target(options);
  const runId = `scan-${now.toISOString().replace(/[-:]/g, '').slice(0, 13)}Z-${randomUUID().slice(0, 8)}`;
  const writers: FindingsWriter[] = options.output.map((file) => openWriter(file, { runId, source, startedAt: now.toISOString() }));

  const bar = options.progress && process.stderr.isTTY ? progressBar() : undefined;
  const started = performance.now();
  let report: Awaited<ReturnType<typeof runSweep>>;
  try {
    report = await runSweep(reads, async (findings) => {
      for (const writer of writers) await writer.write(findings);
    }, {
      policy,
      now,
      runId,
      ...(options.callsPerSecond ? { listCallsPerSecond: options.callsPerSecond } : {}),
      ...(bar ? { onProgress: (p: SweepProgress) => bar.update(p) } : {}),
    });
  } catch (error) {
    // No half-written file for a CI step to upload as if it were the scan's result.
    for (const writer of writers) writer.abort();
    throw error;
  } finally {
    bar?.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const finishedAt = new Date(now.getTime() + seconds * 1000).toISOString();
  for (const writer of writers) await writer.close({ finishedAt, complete: report.complete, counts: report.counts, listCalls: report.listing.calls });

  console.log(`Scan of ${source} against ${policyFile} (stage ${options.stage})${report.complete ? '' : ' — INCOMPLETE'}`);
  console.log(summaryTable(report.counts, { listCalls: report.listing.calls, seconds }));
  for (const writer of writers) console.log(`wrote ${writer.file}`);
  const failing = options.failOn === 'none' ? 0 : SeveritySchema.options.filter((s) => atLeast(s, options.failOn as Severity)).reduce((n, s) => n + report.counts.bySeverity[s], 0);
  if (failing > 0) console.log(`${failing} finding${failing === 1 ? '' : 's'} at or above ${options.failOn}: exit ${EXIT.findings}`);
  return failing > 0 ? EXIT.findings : EXIT.ok;
};

/** The account to read, and the clock to judge it by: the sandbox's own `now` keeps its ages stable. */
const target = (options: Options): { reads: SweepReads; now: Date; source: string } => {
  if (options.sandbox) {
    const seed = loadAccountSeed(options.account);
    const now = seed.now ? new Date(seed.now) : new Date();
    const { secrets } = sandboxAccount(seed, { now: () => now });
    return { reads: readsOf(secrets), now, source: `the sandbox account ${seed.account}/${seed.region}${options.account ? ` (${options.account})` : ''}` };
  }
  return { reads: readsOf(awsSweepReads(options.region)), now: new Date(), source: `AWS${options.region ? ` ${options.region}` : ''}${process.env.AWS_ENDPOINT_URL ? ` at ${process.env.AWS_ENDPOINT_URL}` : ''}` };
};

/** Only the reads: whatever the port can do, the scan cannot write. */
const readsOf = (secrets: SweepReads): SweepReads => ({
  listSecrets: (request) => secrets.listSecrets(request),
  describeSecret: (id) => secrets.describeSecret(id),
  listVersions: (id) => secrets.listVersions(id),
  getResourcePolicy: (id) => secrets.getResourcePolicy(id),
});

const progressBar = () => {
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'scanning {bar} {value}/{total} shards | {secrets} secrets | {findings} findings | {calls} calls',
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(1, 0, { secrets: 0, findings: 0, calls: 0 });
  return {
    update: ({ counts, listing }: SweepProgress) => {
      bar.setTotal(Math.max(listing.shardsKnown, 1));
      bar.update(listing.shardsDone, { secrets: counts.secrets, findings: counts.findings, calls: listing.calls });
    },
    stop: () => bar.stop(),
  };
};
