/**
 * `secrets-remediator replay --live` with `AWS_ENDPOINT_URL`, as a user runs it against LocalStack or moto: a
 * real process, the real SDK v3 clients, real HTTP. Proves that the replay sends the right API
 * calls, in the right order and the right wire protocol, to that endpoint (and nowhere else):
 * DescribeSecret and UpdateSecretVersionStage (Secrets Manager, JSON 1.1), PutEvents (EventBridge,
 * JSON 1.1) and Publish (SNS, Query) — and that what the endpoint answers decides the outcome.
 *
 * The fake endpoint runs in this process, so the child is awaited asynchronously (never
 * execFileSync, which would block the event loop the endpoint answers on).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/events.js';
import {
  fakeAssumedKeyId,
  FAKE_CURRENT_VERSION,
  FAKE_PENDING_VERSION,
  FAKE_SECRET_ARN,
  type FakeAwsEndpoint,
  type FakeAwsEndpointOptions,
  queryMessageAttributes,
  type RecordedRequest,
  startFakeAwsEndpoint,
} from '../helpers/fake-aws-endpoint.js';

const EVENT_FILE = 'events/rotation-failed/fires.RotationFailed.authored.set-secret.json';
const BUS = 'secrets-remediator-test';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:secrets-remediator-test-alerts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface ReplayReport {
  findings: {
    rule: string;
    secret: string;
    actions: { type: string; outcome: string; reason: string; versionId?: string }[];
    alert?: { subject: string; body: string; attributes: Record<string, string> };
  }[];
  rejected?: string[];
}

interface PutEventsEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: string;
  Resources: string[];
}

let endpoint: FakeAwsEndpoint | undefined;

afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

const startEndpoint = async (options?: FakeAwsEndpointOptions): Promise<FakeAwsEndpoint> => {
  endpoint = await startFakeAwsEndpoint(options);
  return endpoint;
};

/** The inherited environment without any AWS_* setting (a CI profile, a per-service endpoint, ...). */
const inheritedEnv = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));

const replayLive = async (url: string, mode: 'enforce' | 'dry-run', eventFile = EVENT_FILE): Promise<Run> => {
  const args = [
    'shared/cli/main.ts',
    'replay',
    '--live',
    '--json',
    '--mode',
    mode,
    '--region',
    'us-east-1',
    '--bus-name',
    BUS,
    '--topic-arn',
    TOPIC,
    eventFile,
  ];
  try {
    const { stdout, stderr } = await promisify(execFile)(join(repoRoot, 'node_modules', '.bin', 'tsx'), args, {
      cwd: repoRoot,
      timeout: 50_000,
      env: {
        ...inheritedEnv(),
        AWS_ENDPOINT_URL: url,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
        AWS_PROFILE: '',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        REMEDIATION_MODE: '',
        POWERTOOLS_LOG_LEVEL: '',
        NODE_NO_WARNINGS: '1',
      },
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

/** The one event's report: the line before the run's summary line. */
const onlyReport = (run: Run): ReplayReport => {
  const lines = run.stdout.trim().split('\n');
  expect(lines, run.stderr).toHaveLength(2);
  expect(JSON.parse(lines[1] ?? '')).toMatchObject({ summary: { events: 1 } });
  return JSON.parse(lines[0] ?? '') as ReplayReport;
};

const calls = (requests: readonly RecordedRequest[]) => requests.map((r) => `${r.service}:${r.operation}`);

const putEventsEntries = (request: RecordedRequest | undefined): PutEventsEntry[] => (request?.body.Entries ?? []) as PutEventsEntry[];

const detailOf = (entry: PutEventsEntry | undefined): Record<string, unknown> =>
  JSON.parse(entry?.Detail ?? '{}') as Record<string, unknown>;

const expectProjectBusEntry = (request: RecordedRequest | undefined, detailType: string) => {
  const entries = putEventsEntries(request);
  expect(entries).toHaveLength(1);
  expect(entries[0]).toMatchObject({
    EventBusName: BUS,
    Source: 'secrets-remediator',
    DetailType: detailType,
    Resources: [FAKE_SECRET_ARN],
  });
  return detailOf(entries[0]);
};

const expectAlertPublished = (request: RecordedRequest | undefined) => {
  expect(request?.body).toMatchObject({
    Action: 'Publish',
    Version: '2010-03-31',
    TopicArn: TOPIC,
    Subject: expect.stringMatching(/^\[HIGH\] rotation-failed: prod\/payments\/db/),
    Message: expect.stringContaining('Failing step: setSecret'),
  });
  expect(queryMessageAttributes(request?.body ?? {})).toMatchObject({
    severity: 'high',
    rule: 'rotation-failed',
    account: '123456789012',
    region: 'us-east-1',
  });
};

describe('CLI: npm start --live against an AWS-compatible endpoint', { timeout: 60_000 }, () => {
  it('in enforce mode, reads, clears the stale AWSPENDING, verifies, publishes both events and sends the alert', async () => {
    // Prepare
    const fake = await startEndpoint();

    // Act
    const run = await replayLive(fake.url, 'enforce');

    // Assess
    expect(run.code, run.stderr).toBe(0);
    const report = onlyReport(run);
    expect(report.rejected).toBeUndefined();
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding).toMatchObject({
      rule: 'rotation-failed',
      secret: FAKE_SECRET_ARN,
      actions: [{ type: 'clear-stale-pending', outcome: 'applied', versionId: FAKE_PENDING_VERSION }],
      alert: { subject: expect.stringMatching(/^\[HIGH\] rotation-failed: prod\/payments\/db/) },
    });

    expect(calls(fake.requests)).toEqual([
      'events:PutEvents', // classify: the Secret Finding (it reads nothing from AWS)
      'secretsmanager:DescribeSecret', // clear-stale-pending: look
      'secretsmanager:ListSecretVersionIds', // the pending version's creation date
      'secretsmanager:UpdateSecretVersionStage', // act
      'secretsmanager:DescribeSecret', // verify: look again
      'secretsmanager:ListSecretVersionIds',
      'events:PutEvents', // the Remediation Result
      'sns:Publish', // alert, from the result
    ]);
    const [findingPut, describe1, , update, describe2, , resultPut, publish] = fake.requests;
    expect(fake.requests.every((r) => r.signedFor?.region === 'us-east-1')).toBe(true);
    expect(fake.requests.map((r) => r.signedFor?.service)).toEqual([
      'events',
      'secretsmanager',
      'secretsmanager',
      'secretsmanager',
      'secretsmanager',
      'secretsmanager',
      'events',
      'sns',
    ]);

    expect(expectProjectBusEntry(findingPut, 'Secret Finding')).toMatchObject({ rule: 'rotation-failed', secret: { id: FAKE_SECRET_ARN } });
    expect(describe1?.body).toEqual({ SecretId: FAKE_SECRET_ARN });
    expect(update?.body).toEqual({ SecretId: FAKE_SECRET_ARN, VersionStage: 'AWSPENDING', RemoveFromVersionId: FAKE_PENDING_VERSION });
    expect(describe2?.body).toEqual({ SecretId: FAKE_SECRET_ARN });
    expect(expectProjectBusEntry(resultPut, 'Remediation Result')).toMatchObject({
      finding: { rule: 'rotation-failed' },
      result: { outcome: 'applied', mode: 'enforce', versionId: FAKE_PENDING_VERSION },
    });
    expectAlertPublished(publish);
    expect(publish?.body.Subject).toBe(finding?.alert?.subject);
    expect(fake.versionStages()).toEqual({ [FAKE_CURRENT_VERSION]: ['AWSCURRENT'] });
  });

  it('in dry-run mode, plans the fix and never calls UpdateSecretVersionStage', async () => {
    // Prepare
    const fake = await startEndpoint();

    // Act
    const run = await replayLive(fake.url, 'dry-run');

    // Assess
    expect(run.code, run.stderr).toBe(0);
    const [finding] = onlyReport(run).findings;
    expect(finding).toMatchObject({
      rule: 'rotation-failed',
      actions: [{ type: 'clear-stale-pending', outcome: 'planned', versionId: FAKE_PENDING_VERSION }],
      alert: { subject: expect.stringMatching(/^\[HIGH\] rotation-failed: prod\/payments\/db/) },
    });
    expect(calls(fake.requests)).toEqual([
      'events:PutEvents',
      'secretsmanager:DescribeSecret',
      'secretsmanager:ListSecretVersionIds',
      'events:PutEvents',
      'sns:Publish',
    ]);
    expect(fake.requests.map((r) => r.operation)).not.toContain('UpdateSecretVersionStage');
    expect(expectProjectBusEntry(fake.requests[3], 'Remediation Result')).toMatchObject({
      result: { outcome: 'planned', mode: 'dry-run' },
    });
    expectAlertPublished(fake.requests[4]);
    expect(fake.versionStages()).toEqual({ [FAKE_CURRENT_VERSION]: ['AWSCURRENT'], [FAKE_PENDING_VERSION]: ['AWSPENDING'] });
  });

  it('when DescribeSecret is denied, reports the action failed, writes nothing and still sends the alert', async () => {
    // Prepare
    const fake = await startEndpoint({
      failures: { DescribeSecret: { status: 400, type: 'AccessDeniedException', message: 'not allowed' } },
    });

    // Act
    const run = await replayLive(fake.url, 'enforce');

    // Assess
    expect(run.code, run.stderr).toBe(0);
    const [finding] = onlyReport(run).findings;
    expect(finding).toMatchObject({
      rule: 'rotation-failed',
      actions: [{ type: 'clear-stale-pending', outcome: 'failed', reason: expect.stringMatching(/access denied.*not allowed/i) }],
      alert: { subject: expect.stringMatching(/^\[HIGH\] rotation-failed: prod\/payments\/db/) },
    });
    // A client error (4xx, not throttling) is not retried: one DescribeSecret only.
    expect(calls(fake.requests)).toEqual(['events:PutEvents', 'secretsmanager:DescribeSecret', 'events:PutEvents', 'sns:Publish']);
    expect(fake.requests.map((r) => r.operation)).not.toContain('UpdateSecretVersionStage');
    expect(expectProjectBusEntry(fake.requests[2], 'Remediation Result')).toMatchObject({ result: { outcome: 'failed', mode: 'enforce' } });
    expectAlertPublished(fake.requests[3]);
    expect(fake.versionStages()).toEqual({ [FAKE_CURRENT_VERSION]: ['AWSCURRENT'], [FAKE_PENDING_VERSION]: ['AWSPENDING'] });
  });
});

/**
 * In organisation mode (events/policy.yml) the live replay stands in for the hub that owns the
 * topic (123456789012, us-east-1): it reads a member through the member's read role, and never
 * acts there (shared/replay/live-members.ts).
 */
describe('CLI: npm start --live in organisation mode', { timeout: 60_000 }, () => {
  const MEMBER = '444455556666';
  const MEMBER_EVENT = 'events/secret-deleted/fires.DeleteSecret.authored.member-account.json';
  const OUTSIDE_EVENT = 'events/secret-deleted/silent.DeleteSecret.authored.outside-organisation-scope.json';
  const MEMBER_SECRET = `arn:aws:secretsmanager:eu-west-1:${MEMBER}:secret:orders/api-key-Or4dKy`;
  const READ_ROLE = `arn:aws:iam::${MEMBER}:role/secrets-remediator-member-dev-read-euw1`;
  const RESTORE_ROLE = `arn:aws:iam::${MEMBER}:role/secrets-remediator-member-dev-rst-euw1`;
  const memberSecret = {
    arn: MEMBER_SECRET,
    name: 'orders/api-key',
    deletedDate: new Date('2026-11-24T11:05:00Z'),
    versions: { '44444444-0000-4000-8000-000000000001': ['AWSCURRENT'] },
  };

  it('in enforce mode, refuses to act in a member before asking anything there, says what to do, and still alerts', async () => {
    // Prepare
    const fake = await startEndpoint({ secrets: [memberSecret] });

    // Act
    const run = await replayLive(fake.url, 'enforce', MEMBER_EVENT);

    // Assess
    expect(run.code, run.stderr).toBe(0);
    const [finding] = onlyReport(run).findings;
    expect(finding).toMatchObject({
      rule: 'secret-deleted',
      secret: MEMBER_SECRET,
      actions: [{ type: 'restore-secret', outcome: 'failed' }],
    });
    const reason = finding?.actions[0]?.reason ?? '';
    expect(reason).toContain(`replay --live does not act in member account ${MEMBER}/eu-west-1: ${RESTORE_ROLE}`);
    expect(reason).toContain('--mode dry-run');
    // classify reads the secret's tags through the member's read role, as deployed; the action asks
    // nothing of STS or of the member's Secrets Manager: its result goes to the hub's bus, the alert to its topic.
    expect(calls(fake.requests)).toEqual([
      'sts:AssumeRole',
      'secretsmanager:DescribeSecret',
      'events:PutEvents',
      'events:PutEvents',
      'sns:Publish',
    ]);
    expect(fake.requests[0]?.body).toMatchObject({ RoleArn: READ_ROLE, RoleSessionName: 'secrets-remediator-classify' });
    expect(fake.requests.some((r) => r.body.RoleArn === RESTORE_ROLE)).toBe(false);
    expect(putEventsEntries(fake.requests[3])).toMatchObject([{ DetailType: 'Remediation Result', Resources: [MEMBER_SECRET] }]);
    expect(detailOf(putEventsEntries(fake.requests[3])[0])).toMatchObject({
      result: { outcome: 'failed', mode: 'enforce', account: MEMBER, region: 'eu-west-1' },
    });
  });

  it("in dry-run mode, reads the member's secret through the member's read role, in its region, and plans without writing", async () => {
    // Prepare
    const fake = await startEndpoint({ secrets: [memberSecret] });

    // Act
    const run = await replayLive(fake.url, 'dry-run', MEMBER_EVENT);

    // Assess
    expect(run.code, run.stderr).toBe(0);
    const [finding] = onlyReport(run).findings;
    expect(finding).toMatchObject({ actions: [{ type: 'restore-secret', outcome: 'planned', account: MEMBER, region: 'eu-west-1' }] });
    // classify's read, then the action's: the same read role, in a session named after the finding.
    expect(calls(fake.requests)).toEqual([
      'sts:AssumeRole',
      'secretsmanager:DescribeSecret',
      'events:PutEvents',
      'sts:AssumeRole',
      'secretsmanager:DescribeSecret',
      'events:PutEvents',
      'sns:Publish',
    ]);
    const [, , , assume, describe] = fake.requests;
    expect(assume?.body).toMatchObject({
      Action: 'AssumeRole',
      RoleArn: READ_ROLE,
      RoleSessionName: expect.stringMatching(/^5b0e2d1c-7a44-4f0e-9c61-3d2a1b0c9e81-secret-delet/) as unknown,
    });
    expect(assume?.signedFor?.region).toBe('eu-west-1');
    expect(describe?.body).toEqual({ SecretId: MEMBER_SECRET });
    expect(describe?.signedFor).toEqual({ region: 'eu-west-1', service: 'secretsmanager', accessKeyId: fakeAssumedKeyId(MEMBER) });
    expect(fake.requests.some((r) => r.body.RoleArn === RESTORE_ROLE)).toBe(false);
  });

  it('ignores an event of an account the scope leaves out, as the deployed hub does: nothing read, published or sent', async () => {
    // Prepare
    const fake = await startEndpoint();

    // Act
    const run = await replayLive(fake.url, 'enforce', OUTSIDE_EVENT);

    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(onlyReport(run).findings).toEqual([]);
    expect(run.stdout).toContain('organisation.members.exclude leaves out');
    expect(fake.requests).toEqual([]);
  });
});
