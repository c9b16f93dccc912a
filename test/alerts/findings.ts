/**
 * One finding per rule of the catalogue, for the alert tests: from the rule's first sample
 * event in `events/<rule>/fires.*.json` through the real `classify`, or — for the rules no
 * single event fires (the sweep's, and access-denied-burst, which needs a counted window) —
 * built with `findingOf`, the constructor classify and the sweep share.
 */
import type { ActionResult, Actor, Evidence, Finding } from '../../shared/contracts/finding.js';
import { isBareCloudTrailRecord, parseClassifiableEvent } from '../../shared/contracts/cloudtrail-event.js';
import { classify, findingOf } from '../../shared/domain/classify.js';
import { rules } from '../../shared/domain/catalogue.js';
import { wrapCloudTrailRecord } from '../../shared/replay/load-events.js';
import { loadSampleEvent, sampleEventFiles } from '../helpers/events.js';
import { classifyContext } from '../helpers/policy.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const SWEEP_TIME = '2026-11-25T12:00:00Z';

/** The sweep's actor: no caller (shared/sweep builds the same). */
export const SWEEP_ACTOR: Actor = { kind: 'sweep', principal: 'secrets-remediator sweep', isPerson: false, isAllowedAdmin: false };

const ruleById = (id: string) => {
  const rule = rules.find((r) => r.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule;
};

const arnOf = (name: string, suffix = 'Qw12Er') => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-${suffix}`;

/** A finding of a sweep rule about `name`, with the dates the check compared. */
export const sweepFinding = (ruleId: string, reason: string, evidence: Evidence, name = 'prod/orders/db'): Finding =>
  findingOf(ruleById(ruleId), {
    id: `sweep/${ruleId}/${name}/2026-11-25`,
    reason,
    secret: { id: arnOf(name), arn: arnOf(name), name, account: ACCOUNT, region: REGION, foundAt: 'ListSecrets.SecretList[].ARN' },
    actor: SWEEP_ACTOR,
    event: {
      id: 'sweep-20261125T1200Z-1a2b3c4d',
      name: 'ScheduledSweep',
      detailType: 'Scheduled Sweep',
      time: SWEEP_TIME,
      account: ACCOUNT,
      region: REGION,
    },
    evidence,
    notes: [],
  });

/** access-denied-burst as classify reports it once the window's count passes the threshold. */
export const accessDeniedBurst = (): Finding =>
  findingOf(ruleById('access-denied-burst'), {
    id: 'b30b87ee-70ab-56a5-8417-91dea641bfd7/access-denied-burst',
    reason:
      'arn:aws:iam::123456789012:role/ci-deployer (assumed-role) had 11 calls on Secrets Manager refused in the 10-minute window from 2026-11-24T10:20:00.000Z, more than 10; the call that crossed the line: GetSecretValue on prod/payments/db (AccessDenied)',
    secret: {
      id: arnOf('prod/payments/db', 'Mn56Op'),
      arn: arnOf('prod/payments/db', 'Mn56Op'),
      name: 'prod/payments/db',
      account: ACCOUNT,
      region: REGION,
      foundAt: 'detail.requestParameters.secretId',
    },
    actor: {
      kind: 'assumed-role',
      principal: 'arn:aws:iam::123456789012:role/ci-deployer',
      sessionArn: 'arn:aws:sts::123456789012:assumed-role/ci-deployer/gh-actions-8812',
      accountId: ACCOUNT,
      mfa: false,
      sourceIp: '203.0.113.77',
      userAgent: 'Boto3/1.35.80 md/Botocore#1.35.80 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.12.7',
      isPerson: false,
      isAllowedAdmin: false,
    },
    event: {
      id: 'b30b87ee-70ab-56a5-8417-91dea641bfd7',
      cloudTrailEventId: '5d1c8a3e-2b7f-4e90-8a61-0c9d2e3f4a5b',
      name: 'GetSecretValue',
      detailType: 'AWS API Call via CloudTrail',
      time: '2026-11-24T10:24:41Z',
      account: ACCOUNT,
      region: REGION,
    },
    evidence: {
      deniedCount: 11,
      deniedWindowMinutes: 10,
      deniedSecrets: ['prod/payments/db', 'prod/orders/db'],
      deniedEventNames: ['GetSecretValue'],
      errorCode: 'AccessDenied',
    },
    notes: [],
  });

/** The finding the first `fires` sample of `ruleId` raises (single events only). */
export const sampleFinding = (ruleId: string): Finding | undefined => {
  for (const file of sampleEventFiles().filter((f) => f.startsWith(`${ruleId}/fires.`))) {
    const raw = loadSampleEvent<unknown>(file);
    if (Array.isArray(raw)) continue;
    // A published bare CloudTrail record is replayed in the envelope EventBridge would give it.
    const event = isBareCloudTrailRecord(raw) ? wrapCloudTrailRecord(raw) : raw;
    const result = classify(parseClassifiableEvent(event), classifyContext);
    const finding = result.kind === 'findings' ? result.findings.find((f) => f.rule === ruleId) : undefined;
    if (finding) return finding;
  }
  return undefined;
};

const sweepFindings: Readonly<Record<string, () => Finding>> = {
  'stale-pending': () =>
    sweepFinding(
      'stale-pending',
      'version 7c1e… has held AWSPENDING without AWSCURRENT for 3 days, longer than the 24-hour rotation window',
      {
        pendingVersionId: '7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
        pendingCreatedDate: '2026-11-22T02:47:31Z',
        lastRotatedDate: '2026-10-23T02:47:31Z',
        thresholdDays: 1,
      },
    ),
  'resource-policy-missing': () =>
    sweepFinding(
      'resource-policy-missing',
      'no resource policy, and requireResourcePolicy names it (prod/shared/*)',
      { policyMatch: 'prod/shared/*' },
      'prod/shared/signing-key',
    ),
  'scheduled-for-deletion': () =>
    sweepFinding(
      'scheduled-for-deletion',
      'scheduled for deletion on 2026-12-01T10:15:00Z',
      { deletionDate: '2026-12-01T10:15:00Z', createdDate: '2025-03-02T09:00:00Z' },
      'prod/legacy/ftp',
    ),
  'access-denied-burst': accessDeniedBurst,
};

/** A finding for every rule in the catalogue: its sample's, else a built one. */
export const findingForRule = (ruleId: string): Finding => {
  const finding = sweepFindings[ruleId]?.() ?? sampleFinding(ruleId);
  if (!finding) throw new Error(`no finding for ${ruleId}: add a fires sample or a builder here`);
  return finding;
};

/** The result of the rule's action in dry run (the default mode of a first deploy), if it plans one. */
export const dryRunResult = (finding: Finding): ActionResult | undefined => {
  const type = finding.actions[0];
  if (!type) return undefined;
  return {
    type,
    outcome: 'planned',
    mode: 'dry-run',
    reason: `dry run: would ${type.replace(/-/g, ' ')}`,
    ...(type === 'clear-stale-pending' ? { versionId: finding.evidence.pendingVersionId ?? '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003' } : {}),
  };
};
