/** Findings as the sweep (and `scan`) raises them, for tests of what the scan prints and writes. */
import { type Finding, findingSchema, type Severity } from '../../shared/contracts/finding.js';
import { rules } from '../../shared/domain/catalogue.js';

export interface SweepFindingSpec {
  readonly rule: string;
  readonly name: string;
  /** Default: the rule's own severity. */
  readonly severity?: Severity;
  readonly account?: string;
  readonly region?: string;
  readonly control?: string;
}

/** A sweep finding about the secret `name`, valid against the finding contract. */
export const sweepFinding = ({
  rule,
  name,
  severity,
  account = '123456789012',
  region = 'us-east-1',
  control,
}: SweepFindingSpec): Finding => {
  const arn = `arn:aws:secretsmanager:${region}:${account}:secret:${name}-AbCdEf`;
  const known = rules.find((r) => r.id === rule);
  return findingSchema().parse({
    id: `sweep:${rule}:${name}:2026-11-25`,
    rule,
    title: known?.title ?? rule,
    severity: severity ?? known?.severity ?? 'info',
    reason: `${name} tripped ${rule}`,
    ...(control ? { control } : {}),
    secret: { id: arn, arn, name, account, region, foundAt: 'ListSecrets' },
    actor: { kind: 'sweep', principal: 'secrets-remediator sweep', isPerson: false, isAllowedAdmin: false },
    event: { id: 'sweep-run-1', name: 'ScheduledSweep', detailType: 'Scheduled Sweep', time: '2026-11-25T12:00:00.000Z', account, region },
    evidence: {},
    actions: [],
    needsRemediation: false,
    notes: [],
  });
};
