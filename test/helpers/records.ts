/**
 * Findings that hold up when an action checks them: classified from a sample event whose record
 * was edited first (so the record the finding carries says what the test needs), or raised by the
 * real sweep inspection (so the id and evidence are the sweep's own). Editing a classified
 * finding instead makes a forgery, which every action rightly refuses.
 */
import type { CloudTrailEvent, CloudTrailRecord } from '../../shared/contracts/cloudtrail-event.js';
import { parseClassifiableEvent } from '../../shared/contracts/cloudtrail-event.js';
import { type Finding, FINDING_DETAIL_TYPE, SERVICE_SOURCE } from '../../shared/contracts/finding.js';
import { classify } from '../../shared/domain/classify.js';
import type { SecretState } from '../../shared/ports/secrets.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import type { SweepRuleId } from '../../shared/domain/catalogue.js';
import { inspectSecret } from '../../shared/sweep/inspect-secret.js';
import { loadSampleEvent } from './events.js';
import { classifyContext, samplePolicy } from './policy.js';
import { FIXED_NOW } from './sandbox.js';

/**
 * The finding of `rule` that a sample event raises once `edit` has changed its CloudTrail record.
 * @param secretState - the secret as DescribeSecret shows it, for rules that need it
 */
export const findingFromRecord = (
  sample: string,
  rule: string,
  edit: (record: CloudTrailRecord) => CloudTrailRecord = (record) => record,
  secretState?: SecretState,
): Finding => {
  const event = loadSampleEvent<CloudTrailEvent>(sample);
  const result = classify(parseClassifiableEvent({ ...event, detail: edit(event.detail) }), classifyContext, secretState);
  const finding = result.kind === 'findings' ? result.findings.find((f) => f.rule === rule) : undefined;
  if (!finding) throw new Error(`${sample}, as edited, must raise ${rule}`);
  return finding;
};

/**
 * The sweep's finding of `rule` on the secret `arn` as `account` holds it, judged at `now` under
 * the sample policy: ListSecrets, then the closer looks the checks ask for, as a sweep run makes them.
 */
export const sweepFindingOn = async (account: SandboxAccount, arn: string, rule: SweepRuleId, now: Date = FIXED_NOW): Promise<Finding> => {
  const { secrets } = await account.secrets.listSecrets({});
  const listed = secrets.find((secret) => secret.arn === arn);
  if (!listed) throw new Error(`the account lists no secret ${arn}`);
  const { findings } = await inspectSecret(listed, account.secrets, {
    policy: samplePolicy,
    now,
    runId: 'sweep-20261125T1200Z-1a2b3c4d',
    account: '123456789012',
    region: 'us-east-1',
  });
  const finding = findings.find((f) => f.rule === rule);
  if (!finding) throw new Error(`the sweep finds no ${rule} on ${arn}`);
  return finding;
};

/** A "Secret Finding" on the project bus, as this service — or anyone allowed PutEvents on it — puts it there. */
export const findingOnProjectBus = (finding: Finding, id = 'f0f0f0f0-0000-4000-8000-000000000001') => ({
  version: '0',
  id,
  'detail-type': FINDING_DETAIL_TYPE,
  source: SERVICE_SOURCE,
  account: '123456789012',
  time: FIXED_NOW.toISOString(),
  region: 'us-east-1',
  resources: [],
  detail: finding,
});
