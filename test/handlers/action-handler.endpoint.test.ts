/**
 * Organisation mode end to end through `AWS_ENDPOINT_URL`: an action function, wired as its Lambda
 * handler wires it (the real STS, Secrets Manager and EventBridge clients of the composition root),
 * acts on a member account's finding against an AWS-compatible endpoint on loopback. What only real
 * HTTP shows: AssumeRole goes to STS in the member's region with the member role the hub's action
 * may assume and the finding as its session; the writes in the member are signed with the assumed
 * role's temporary credentials, in the member's region; the result goes to the hub's bus with the
 * function's own credentials. And a refused AssumeRole fails the action with the role named,
 * before any call in the member.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearStalePendingAction } from '../../shared/actions/clear-stale-pending.js';
import { awsBus, awsMemberPorts, awsSecrets } from '../../shared/adapters/aws-account.js';
import { stsSessionName } from '../../shared/adapters/member-access.js';
import { parseClassifiableEvent } from '../../shared/contracts/cloudtrail-event.js';
import { FINDING_DETAIL_TYPE, type Finding, SERVICE_SOURCE } from '../../shared/contracts/finding.js';
import { classify } from '../../shared/domain/classify.js';
import { memberRoleArn } from '../../shared/domain/organisation-scope.js';
import { makeActionHandler } from '../../shared/handlers/action-handler.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { MemoryLedger } from '../../shared/sandbox/memory-ledger.js';
import { repoRoot } from '../helpers/events.js';
import {
  FAKE_CURRENT_VERSION,
  FAKE_PENDING_VERSION,
  type FakeAwsEndpoint,
  type FakeAwsEndpointOptions,
  fakeAssumedKeyId,
  startFakeAwsEndpoint,
} from '../helpers/fake-aws-endpoint.js';
import { samplePolicy } from '../helpers/policy.js';
import { fixedClock } from '../helpers/sandbox.js';

const HUB = { account: '123456789012', region: 'us-east-1' } as const;
/** A member of the sample organisation (every account but 999999999999, in every listed region). */
const MEMBER = { account: '444455556666', region: 'eu-west-1' } as const;
const MEMBER_SECRET = {
  arn: `arn:aws:secretsmanager:${MEMBER.region}:${MEMBER.account}:secret:prod/payments/db-Mn56Op`,
  name: 'prod/payments/db',
};
const HUB_KEY_ID = 'AKIAFAKEHUB000000001';
const BUS = 'secrets-remediator-test';
const STAGE = 'dev';

/** The published-shape RotationFailed sample, as it happened in the member account and region. */
const memberRotationFailure = (): Finding => {
  const text = readFileSync(join(repoRoot, 'events/rotation-failed/fires.RotationFailed.authored.set-secret.json'), 'utf8')
    .replaceAll(HUB.account, MEMBER.account)
    .replaceAll(HUB.region, MEMBER.region);
  const result = classify(parseClassifiableEvent(JSON.parse(text)), { policy: samplePolicy, account: HUB.account, region: HUB.region });
  if (result.kind !== 'findings') throw new Error(`the member's RotationFailed gave no finding: ${JSON.stringify(result)}`);
  const [finding] = result.findings;
  if (!finding?.actions.includes('clear-stale-pending')) throw new Error('the finding does not plan clear-stale-pending');
  return finding;
};

/** The "Secret Finding" as EventBridge delivers it from the hub's project bus. */
const delivered = (finding: Finding) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': FINDING_DETAIL_TYPE,
  source: SERVICE_SOURCE,
  account: HUB.account,
  time: '2026-11-22T02:47:40Z',
  region: HUB.region,
  resources: [finding.secret.id],
  detail: finding,
});

let endpoint: FakeAwsEndpoint | undefined;

const start = async (options: FakeAwsEndpointOptions = {}) => {
  endpoint = await startFakeAwsEndpoint({ secret: MEMBER_SECRET, ...options });
  vi.stubEnv('AWS_ENDPOINT_URL', endpoint.url);
  return endpoint;
};

/** The clear-stale-pending function as functions/clear-stale-pending/handler.ts wires it, in enforce mode. */
const clearStalePendingFunction = () =>
  makeActionHandler(
    clearStalePendingAction,
    {
      ...awsMemberPorts(samplePolicy),
      secrets: awsSecrets(HUB.region),
      bus: awsBus(BUS, HUB.region),
      ledger: new MemoryLedger(() => fixedClock.now()),
      clock: fixedClock,
    },
    { policy: samplePolicy, mode: 'enforce', stage: STAGE },
  );

beforeEach(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', HUB_KEY_ID);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fake-hub-secret');
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_REGION', HUB.region);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await endpoint?.close();
  endpoint = undefined;
});

describe('Contract: an action in a member account through AWS_ENDPOINT_URL', () => {
  it("assumes the member's clear-stale-pending role in its region, with the finding as the session, and writes there with those credentials", async () => {
    // Prepare
    const fake = await start();
    const finding = memberRotationFailure();
    const roleArn = memberRoleArn(samplePolicy.organisation, STAGE, 'clear-stale-pending', MEMBER);

    // Act
    const outcome = await clearStalePendingFunction()(delivered(finding), localContext('clear-stale-pending', HUB.account, HUB.region));

    // Assess: the outcome, and the member's secret as the endpoint holds it now
    expect(outcome).toMatchObject({ status: 'applied', findingId: finding.id });
    expect(fake.versionStages()).toStrictEqual({ [FAKE_CURRENT_VERSION]: ['AWSCURRENT'] });
    expect(fake.versionStages()[FAKE_PENDING_VERSION]).toBeUndefined();

    // Assess: one AssumeRole, to STS in the member's region, signed by the hub's own key
    const [assume, ...afterAssume] = fake.requests;
    expect(assume).toMatchObject({
      service: 'sts',
      operation: 'AssumeRole',
      body: { RoleArn: roleArn, RoleSessionName: stsSessionName(finding.id) },
      signedFor: { region: MEMBER.region, service: 'sts', accessKeyId: HUB_KEY_ID },
    });
    expect(fake.requests.filter((request) => request.service === 'sts')).toHaveLength(1);

    // Assess: every call in the member signed with the assumed role, for the member's region
    const inMember = afterAssume.filter((request) => request.service === 'secretsmanager');
    expect(inMember.map((request) => request.operation)).toContain('UpdateSecretVersionStage');
    for (const request of inMember) {
      expect(request).toMatchObject({
        withSessionToken: true,
        signedFor: { region: MEMBER.region, service: 'secretsmanager', accessKeyId: fakeAssumedKeyId(MEMBER.account) },
      });
    }
    const update = inMember.find((request) => request.operation === 'UpdateSecretVersionStage');
    expect(update?.body).toStrictEqual({
      SecretId: MEMBER_SECRET.arn,
      VersionStage: 'AWSPENDING',
      RemoveFromVersionId: FAKE_PENDING_VERSION,
    });

    // Assess: the result on the hub's bus, with the hub's own credentials, naming where it acted
    const putEvents = fake.requests.filter((request) => request.operation === 'PutEvents');
    expect(putEvents).toHaveLength(1);
    expect(putEvents[0]).toMatchObject({ withSessionToken: false, signedFor: { region: HUB.region, accessKeyId: HUB_KEY_ID } });
    const [entry] = putEvents[0]?.body.Entries as { Detail: string }[];
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({
      result: { outcome: 'applied', account: MEMBER.account, region: MEMBER.region },
    });
  });

  it('fails the action with the role named when the member refuses AssumeRole, and calls nothing in the member', async () => {
    // Prepare
    const fake = await start({
      failures: { AssumeRole: { status: 403, type: 'AccessDenied', message: 'not authorized to perform: sts:AssumeRole' } },
    });
    const finding = memberRotationFailure();
    const roleArn = memberRoleArn(samplePolicy.organisation, STAGE, 'clear-stale-pending', MEMBER);

    // Act
    const outcome = await clearStalePendingFunction()(delivered(finding), localContext('clear-stale-pending', HUB.account, HUB.region));

    // Assess
    expect(outcome).toMatchObject({ status: 'failed', findingId: finding.id });
    expect((outcome as { reason: string }).reason).toContain(roleArn);
    expect(fake.requests.filter((request) => request.service === 'secretsmanager')).toStrictEqual([]);
    expect(fake.versionStages()).toStrictEqual({ [FAKE_CURRENT_VERSION]: ['AWSCURRENT'], [FAKE_PENDING_VERSION]: ['AWSPENDING'] });
  });
});
