/**
 * `secrets-remediator scan` (and `npm run scan`): the sweep, for people and CI. Reads a live account (the usual credential chain,
 * `--region`/`--profile`, `AWS_ENDPOINT_URL`) or the in-memory sandbox (`--sandbox`), judges every
 * secret by the policy, prints a table, writes JSON/SARIF with `--output`, and exits non-zero when
 * there are findings at or above `--fail-on`. It never writes to the account: it is given only
 * the reads (ListSecrets, DescribeSecret, ListSecretVersionIds, GetResourcePolicy).
 */
import { randomUUID } from 'node:crypto';
import { Command, InvalidArgumentError, Option } from 'commander';
import { MultiBar, Presets, SingleBar } from 'cli-progress';
import PQueue from 'p-queue';
import { awsMemberSweepReads, awsOrganisationAccounts, awsRegionInUse, awsSweepReads } from '../adapters/aws-account.js';
import { type Finding, type Severity, SeveritySchema } from '../contracts/finding.js';
import { loadPolicy } from '../policy/load-policy.js';
import { loadAccountSeed, sandboxAccount } from '../sandbox/sandbox-account.js';
import { runSweep, type SweepProgress, type SweepReads } from '../sweep/run-sweep.js';
import { type FindingsWriter, isStdout, OUTPUT_EXTENSIONS, openWriter } from '../sweep/scan-output.js';
import { emptyScanWarning, findingSample, renderScanReport, REPORT_ROWS_PER_CHECK, type ScanContext } from '../sweep/scan-report.js';
import { atLeast } from '../contracts/severity.js';
import { emptyCounts, mergeCounts, type SweepCounts } from '../sweep/summary.js';
import type { Policy } from '../policy/schema.js';
import { EXIT, UsageError } from './errors.js';
import {
  isOrganisationScan,
  parseAccounts,
  parseRegions,
  parseRoleName,
  readsOfTarget,
  scanTargets,
  type ScanTarget,
} from './scan-organisation.js';

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
  allowEmpty: boolean;
  accounts?: string[];
  organization?: boolean;
  regions?: string[];
  roleName?: string;
}

/** Account-regions a scan across accounts reads at once: each has its own quotas. */
const TARGETS_AT_ONCE = 4;

const positiveInt =
  (max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`expected an integer from 1 to ${max}`);
    return n;
  };

export const scanCommand = (): Command =>
  new Command('scan')
    .description(
      'Check every secret of an account against the policy (read-only): rotation, use, KMS key, stale AWSPENDING, resource policy, deletion.',
    )
    .option('--sandbox', 'scan the in-memory sandbox account instead of AWS', false)
    .option('--account <file>', 'with --sandbox: the account seed (default: shared/sandbox/default-account.json)')
    .option('--region <region>', 'AWS region (default: the credential chain)')
    .option('--profile <name>', 'AWS profile from ~/.aws/config (default: the credential chain)')
    .option('--policy <file>', 'the policy file (default: policy.yml; events/policy.yml with --sandbox)')
    .option('--stage <stage>', 'the stage whose overrides in the policy apply', 'dev')
    .option(
      '--output <file...>',
      `write findings to FILE, by its extension: ${OUTPUT_EXTENSIONS.join(', ')} (.sarif: SARIF 2.1.0; .asff.json: ASFF for Security Hub); "-" or /dev/stdout: JSON on standard output (the report then goes to standard error)`,
      [],
    )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding of this severity or worse exists ("none": never)')
        .choices([...SeveritySchema.options, 'none'])
        .default('high'),
    )
    .option(
      '--calls-per-second <n>',
      "ListSecrets calls per second (default: the policy's sweep.listCallsPerSecond; the quota is 100)",
      positiveInt(100),
    )
    .option('--no-progress', 'no progress bar (it is shown only on a terminal anyway)')
    .option(
      '--allow-empty',
      'a scan that reads no secret is not a failure (by default it exits 2: wrong region, account or endpoint?)',
      false,
    )
    .option('--accounts <ids>', 'scan these accounts (12-digit ids, comma-separated) through their member read role', parseAccounts)
    .option(
      '--organization',
      "scan the accounts of the policy's organisation scope, listed through AWS Organizations (from the management or delegated administrator account)",
    )
    .option(
      '--regions <regions>',
      'with --accounts or --organization: the regions to scan, comma-separated, or "all" (the regions every account has enabled by default); default: organisation.regions, else --region',
      parseRegions,
    )
    .option(
      '--role-name <name>',
      "with --accounts or --organization: the role to assume in each account (default: the member stack's read role for --stage and the region)",
      parseRoleName,
    )
    .addHelpText(
      'after',
      `
The report names at most ${REPORT_ROWS_PER_CHECK} secrets per check ("… and N more"); --output has them all.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 the scan could not do
its job: a bad flag or file, no region or credentials, an endpoint that does not answer, or no
secret read at all (unless --allow-empty).

Examples:
  secrets-remediator scan --sandbox
  secrets-remediator scan --region eu-west-1 --output findings.json findings.sarif --fail-on critical
  secrets-remediator scan --sandbox --output - | jq '.counts'
  AWS_ENDPOINT_URL=http://localhost:4566 secrets-remediator scan --policy policy.yml
  secrets-remediator scan --accounts 444455556666,777788889999 --regions eu-west-1,us-east-1 --stage prod
  secrets-remediator scan --organization --regions all --output org.json org.sarif

Across accounts, an account-region whose role cannot be assumed is named with the role's ARN
(deploy the member stack there) and the scan exits 2 after reading the others.

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
  if (isOrganisationScan(options)) return runOrganisationScan(options, policy, policyFile);
  const { reads, now, source, context } = await target(options, policyFile);
  const runId = `scan-${now.toISOString().replace(/[-:]/g, '').slice(0, 13)}Z-${randomUUID().slice(0, 8)}`;
  if (options.output.filter(isStdout).length > 1)
    throw new UsageError('--output: standard output ("-", /dev/stdout) can take one file only');
  const writers: FindingsWriter[] = options.output.map((file) => openWriter(file, { runId, source, startedAt: now.toISOString() }));
  // Findings on standard output: the report for people goes to standard error, so a pipe gets JSON only.
  const say = writers.some((writer) => writer.toStdout) ? (text: string) => console.error(text) : (text: string) => console.log(text);
  const sample = findingSample();

  const bar = options.progress && process.stderr.isTTY ? progressBar() : undefined;
  const started = performance.now();
  const report = await abortingOnFailure(
    writers,
    () => bar?.stop(),
    () =>
      runSweep(
        reads,
        async (findings) => {
          sample.add(findings);
          for (const writer of writers) await writer.write(findings);
        },
        {
          policy,
          now,
          runId,
          ...(options.callsPerSecond ? { listCallsPerSecond: options.callsPerSecond } : {}),
          ...(bar ? { onProgress: (p: SweepProgress) => bar.update(p) } : {}),
        },
      ),
  );
  const seconds = (performance.now() - started) / 1000;
  const finishedAt = new Date(now.getTime() + seconds * 1000).toISOString();
  for (const writer of writers)
    await writer.close({ finishedAt, complete: report.complete, counts: report.counts, listCalls: report.listing.calls });

  const read = { ...context, account: context.account ?? reads.accountSeen() };
  say(
    renderScanReport({
      context: read,
      counts: report.counts,
      sample,
      complete: report.complete,
      listCalls: report.listing.calls,
      seconds,
      allowEmpty: options.allowEmpty,
    }),
  );
  for (const writer of writers) if (!writer.toStdout) say(`wrote ${writer.file}`);
  if (emptyScanWarning(report.counts, read, options.allowEmpty) !== undefined && !options.allowEmpty) return EXIT.usage;
  return exitForFindings(report.counts, options.failOn, say);
};

/** Runs `work`; when it fails, no half-written file is left for a CI step to upload as if it were the scan's result. `stop`: the progress bars, either way. */
const abortingOnFailure = async <T>(writers: readonly FindingsWriter[], stop: () => void, work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    for (const writer of writers) writer.abort();
    throw error;
  } finally {
    stop();
  }
};

/** Exit 1 when findings reach `--fail-on` (and says how many), else 0. */
const exitForFindings = (counts: SweepCounts, failOn: Options['failOn'], say: (text: string) => void): number => {
  const failing =
    failOn === 'none' ? 0 : SeveritySchema.options.filter((s) => atLeast(s, failOn)).reduce((n, s) => n + counts.bySeverity[s], 0);
  if (failing > 0) say(`${failing} finding${failing === 1 ? '' : 's'} at or above ${failOn}: exit ${EXIT.findings}`);
  return failing > 0 ? EXIT.findings : EXIT.ok;
};

/**
 * The scan across accounts: every account-region through its read role, a few at once, one
 * progress bar each; the findings of all in one report and the same files (each finding names
 * its account and region). Exit 2 when an account-region could not be read, after the others.
 */
const runOrganisationScan = async (options: Options, policy: Policy, policyFile: string): Promise<number> => {
  const region = await awsRegionInUse(options.region);
  const targets = await scanTargets(options, {
    policy,
    stage: options.stage,
    region,
    organizations: () => awsOrganisationAccounts(options.region),
  });
  const now = new Date();
  const runId = `scan-${now.toISOString().replace(/[-:]/g, '').slice(0, 13)}Z-${randomUUID().slice(0, 8)}`;
  const accounts = new Set(targets.map((t) => t.account)).size;
  const regions = [...new Set(targets.map((t) => t.region))];
  const roles = [...new Set(targets.map((t) => t.roleArn.split('/').pop()))];
  const scope = `${accounts} account${accounts === 1 ? '' : 's'} x ${regions.length} region${regions.length === 1 ? '' : 's'} (${regions.join(', ')}) through ${roles.length === 1 ? `role ${roles[0]}` : `${roles.length} roles`}`;
  if (options.output.filter(isStdout).length > 1)
    throw new UsageError('--output: standard output ("-", /dev/stdout) can take one file only');
  const endpoint = process.env.AWS_ENDPOINT_URL || undefined;
  const writers = options.output.map((file) =>
    openWriter(file, {
      runId,
      source: `AWS ${scope}${endpoint ? ` at ${endpoint}` : ''}`,
      startedAt: now.toISOString(),
      category: 'organisation',
    }),
  );
  const say = writers.some((writer) => writer.toStdout) ? (text: string) => console.error(text) : (text: string) => console.log(text);
  const sample = findingSample();
  const bars = options.progress && process.stderr.isTTY ? targetBars(targets.length) : undefined;
  const assume = awsMemberSweepReads();
  const started = performance.now();
  let counts: SweepCounts = emptyCounts();
  let listCalls = 0;
  let complete = true;
  const problems: string[] = [];
  const rows: string[] = [];
  // Several account-regions are read at once, one writer each file: their findings are written one batch after another.
  let writing = Promise.resolve();
  const write = (findings: readonly Finding[]): Promise<void> =>
    (writing = writing.then(async () => {
      sample.add(findings);
      for (const writer of writers) await writer.write(findings);
    }));
  const scanOne = async (target: ScanTarget): Promise<void> => {
    const read = await readsOfTarget(target, runId, assume);
    if ('problem' in read) {
      problems.push(read.problem);
      bars?.done();
      return;
    }
    const bar = bars?.start(`${target.account}/${target.region}`);
    const report = await runSweep(read.reads, write, {
      policy,
      now,
      runId,
      ...(options.callsPerSecond ? { listCallsPerSecond: options.callsPerSecond } : {}),
      ...(bar ? { onProgress: bar } : {}),
    });
    counts = mergeCounts(counts, report.counts);
    listCalls += report.listing.calls;
    complete &&= report.complete;
    rows.push(
      `  ${target.account}/${target.region}: ${report.counts.secrets} secrets, ${report.counts.findings} findings${report.complete ? '' : ' (incomplete)'}`,
    );
    bars?.done(bar);
  };
  const queue = new PQueue({ concurrency: TARGETS_AT_ONCE });
  await abortingOnFailure(
    writers,
    () => bars?.stop(),
    () => Promise.all(targets.map((t) => queue.add(() => scanOne(t)))),
  );
  const seconds = (performance.now() - started) / 1000;
  const finishedAt = new Date(now.getTime() + seconds * 1000).toISOString();
  for (const writer of writers) await writer.close({ finishedAt, complete: complete && problems.length === 0, counts, listCalls });
  const context: ScanContext = {
    mode: 'live',
    region: regions.join(','),
    policyFile,
    stage: options.stage,
    startedAt: now.toISOString(),
    profile: process.env.AWS_PROFILE || undefined,
    endpoint,
    scope,
  };
  say(renderScanReport({ context, counts, sample, complete, listCalls, seconds, allowEmpty: options.allowEmpty || problems.length > 0 }));
  say(['', `Per account-region (${rows.length} read of ${targets.length})`, ...rows.sort()].join('\n'));
  for (const writer of writers) if (!writer.toStdout) say(`wrote ${writer.file}`);
  if (problems.length > 0) {
    console.error(
      [`error: ${problems.length} of ${targets.length} account-regions could not be read:`, ...problems.sort().map((p) => `  ${p}`)].join(
        '\n',
      ),
    );
    return EXIT.usage;
  }
  if (emptyScanWarning(counts, context, options.allowEmpty) !== undefined && !options.allowEmpty) return EXIT.usage;
  return exitForFindings(counts, options.failOn, say);
};

/** One bar for the account-regions done, and one per account-region being read. */
const targetBars = (total: number) => {
  const multi = new MultiBar(
    {
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      format: '{label} {bar} {value}/{total} {unit} | {secrets} secrets | {findings} findings',
    },
    Presets.shades_classic,
  );
  const overall = multi.create(total, 0, { label: 'account-regions', unit: 'done', secrets: '-', findings: '-' });
  type Update = (progress: SweepProgress) => void;
  const bars = new Map<Update, ReturnType<MultiBar['create']>>();
  return {
    start: (label: string): Update => {
      const bar = multi.create(1, 0, { label, unit: 'shards', secrets: 0, findings: 0 });
      const update: Update = ({ counts, listing }) => {
        bar.setTotal(Math.max(listing.shardsKnown, 1));
        bar.update(listing.shardsDone, { secrets: counts.secrets, findings: counts.findings });
      };
      bars.set(update, bar);
      return update;
    },
    done: (update?: Update) => {
      const bar = update && bars.get(update);
      if (bar) multi.remove(bar);
      overall.increment();
    },
    stop: () => multi.stop(),
  };
};

/** The account to read, the clock to judge it by (the sandbox's own `now` keeps its ages stable), and what to say about it. */
const target = async (
  options: Options,
  policyFile: string,
): Promise<{ reads: ReturnType<typeof readsOf>; now: Date; source: string; context: ScanContext }> => {
  if (options.sandbox) {
    const seed = loadAccountSeed(options.account);
    const now = seed.now ? new Date(seed.now) : new Date();
    const { secrets } = sandboxAccount(seed, { now: () => now });
    const context: ScanContext = {
      mode: 'sandbox',
      account: seed.account,
      region: seed.region,
      policyFile,
      stage: options.stage,
      startedAt: now.toISOString(),
      seedFile: options.account,
    };
    return {
      reads: readsOf(secrets),
      now,
      source: `the sandbox account ${seed.account}/${seed.region}${options.account ? ` (${options.account})` : ''}`,
      context,
    };
  }
  const now = new Date();
  const endpoint = process.env.AWS_ENDPOINT_URL || undefined;
  const region = await awsRegionInUse(options.region);
  const context: ScanContext = {
    mode: 'live',
    region,
    policyFile,
    stage: options.stage,
    startedAt: now.toISOString(),
    profile: process.env.AWS_PROFILE || undefined,
    endpoint,
  };
  return {
    reads: readsOf(awsSweepReads(options.region)),
    now,
    source: `AWS${region ? ` ${region}` : ''}${endpoint ? ` at ${endpoint}` : ''}`,
    context,
  };
};

/**
 * Only the reads: whatever the port can do, the scan cannot write. Also notes the account of the
 * first secret listed, from its ARN (`arn:aws:secretsmanager:<region>:<account>:secret:…`): a
 * live scan learns its account from what it reads.
 */
const readsOf = (secrets: SweepReads): SweepReads & { accountSeen: () => string | undefined } => {
  let account: string | undefined;
  return {
    listSecrets: async (request) => {
      const page = await secrets.listSecrets(request);
      account ??= page.secrets[0]?.arn.split(':')[4] || undefined;
      return page;
    },
    describeSecret: (id) => secrets.describeSecret(id),
    listVersions: (id) => secrets.listVersions(id),
    getResourcePolicy: (id) => secrets.getResourcePolicy(id),
    accountSeen: () => account,
  };
};

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
