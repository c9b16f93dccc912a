/**
 * One scenario per action in which it acts: a sandbox secret, a finding classified from a sample
 * event, and the sample policy, such that `remediate` in enforce mode reports `applied`. For tests
 * that disturb a run that would otherwise succeed (injected AWS errors, ...). Each call builds a
 * fresh account and a fresh finding, so a test cannot change another's input.
 */
import { actionDefinitions } from '../../shared/actions/registry.js';
import type { ActionDefinition } from '../../shared/actions/types.js';
import type { Finding, Mode } from '../../shared/contracts/finding.js';
import type { RemediationContext } from '../../shared/actions/runner.js';
import type { Policy } from '../../shared/policy/schema.js';
import type { SecretState } from '../../shared/ports/secrets.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import type { SecretSeed } from '../../shared/sandbox/seed.js';
import { loadSampleEvent } from './events.js';
import { samplePolicy } from './policy.js';
import { findingFromRecord } from './records.js';
import { sandboxWith } from './sandbox.js';
import { remediationContext } from './remediation.js';

export interface ActionScenario {
  /** How test names call it: the action's type, and what sets it apart when an action has two. */
  readonly label: string;
  readonly action: ActionDefinition;
  /** The secret the finding is about. */
  readonly arn: string;
  readonly account: () => SandboxAccount;
  readonly finding: () => Finding;
  readonly policy: Policy;
}

/** The secret as the action sees it: DescribeSecret, the resource policy, and every secret's stages. */
export interface SecretSnapshot {
  readonly described: SecretState;
  readonly resourcePolicy: string | undefined;
  readonly stages: ReturnType<SandboxAccount['secrets']['snapshot']>;
}

const PAYMENTS_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op';
const CRM_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/crm/api-token-Cr7mAp';
const GATEWAY_KEY_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/shared/api-gateway-key-Sh4rEd';

const PUBLIC_SAMPLE = 'policy-public/fires.PutResourcePolicy.authored.public.json';
const UNKNOWN_ACCOUNT_SAMPLE = 'policy-public/fires.PutResourcePolicy.authored.unknown-account.json';

/** The resource policy a policy-public sample event put, as the secret holds it now. */
const resourcePolicyOf = (sample: string): string =>
  loadSampleEvent<{ detail: { requestParameters: { resourcePolicy: string } } }>(sample).detail.requestParameters.resourcePolicy;

const gatewayKey = (sample: string): SecretSeed => ({
  name: 'prod/shared/api-gateway-key',
  arn: GATEWAY_KEY_ARN,
  versions: { v1: ['AWSCURRENT'] },
  resourcePolicy: resourcePolicyOf(sample),
});

export const actionScenarios: readonly ActionScenario[] = [
  {
    // A failed rotation left AWSPENDING on a version created before the failure.
    label: 'clear-stale-pending',
    action: actionDefinitions['clear-stale-pending'],
    arn: PAYMENTS_ARN,
    account: () =>
      sandboxWith({
        name: 'prod/payments/db',
        arn: PAYMENTS_ARN,
        lastRotatedDate: '2026-10-23T02:45:10Z',
        versions: { 'v-current': ['AWSCURRENT'], 'v-previous': ['AWSPREVIOUS'], '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003': ['AWSPENDING'] },
        versionCreatedDates: { '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003': '2026-11-22T02:45:12Z' },
      }),
    finding: () => findingFromRecord('rotation-failed/fires.RotationFailed.authored.set-secret.json', 'rotation-failed'),
    policy: samplePolicy,
  },
  {
    // bob turned rotation off; the sample policy maps prod/payments/ to a rotation function.
    label: 'enable-rotation',
    action: actionDefinitions['enable-rotation'],
    arn: PAYMENTS_ARN,
    account: () =>
      sandboxWith({ name: 'prod/payments/db', arn: PAYMENTS_ARN, rotationEnabled: false, versions: { 'v-current': ['AWSCURRENT'] } }),
    finding: () => findingFromRecord('rotation-disabled/fires.CancelRotateSecret.authored.by-developer.json', 'rotation-disabled'),
    policy: samplePolicy,
  },
  {
    // alice scheduled the secret for deletion with a recovery window.
    label: 'restore-secret',
    action: actionDefinitions['restore-secret'],
    arn: CRM_ARN,
    account: () =>
      sandboxWith({
        name: 'prod/crm/api-token',
        arn: CRM_ARN,
        deletedDate: '2026-11-24T10:15:00Z',
        versions: { 'v-current': ['AWSCURRENT'] },
      }),
    finding: () => findingFromRecord('secret-deleted/fires.DeleteSecret.authored.by-developer.json', 'secret-deleted'),
    policy: samplePolicy,
  },
  {
    // One statement grants everyone, one the own account: the port puts the other one back.
    label: 'remove-public-statements',
    action: actionDefinitions['remove-public-statements'],
    arn: GATEWAY_KEY_ARN,
    account: () => sandboxWith(gatewayKey(PUBLIC_SAMPLE)),
    finding: () => findingFromRecord(PUBLIC_SAMPLE, 'policy-public'),
    policy: samplePolicy,
  },
  {
    // Its only statement grants an unknown account: the port deletes the policy.
    label: 'remove-public-statements (deleting the policy)',
    action: actionDefinitions['remove-public-statements'],
    arn: GATEWAY_KEY_ARN,
    account: () => sandboxWith(gatewayKey(UNKNOWN_ACCOUNT_SAMPLE)),
    finding: () => findingFromRecord(UNKNOWN_ACCOUNT_SAMPLE, 'policy-public'),
    policy: samplePolicy,
  },
];

export const contextFor = (account: SandboxAccount, policy: Policy, mode: Mode = 'enforce'): RemediationContext =>
  remediationContext(account, mode, policy);

/** Reads the secret through the port: the reads are recorded in `account.secrets.calls` and count for `failNext`. */
export const secretSnapshot = async (account: SandboxAccount, arn: string): Promise<SecretSnapshot> => ({
  described: await account.secrets.describeSecret(arn),
  resourcePolicy: await account.secrets.getResourcePolicy(arn),
  stages: account.secrets.snapshot(),
});
