/**
 * What the service says on its own bus: the "Secret Finding" and "Remediation Result" schemas its
 * consumers parse with (each fault named by its path), and the bus events its producers build —
 * a finding as it is, a result without the finding's record and with its words redacted.
 */
import { describe, expect, it } from 'vitest';
import { parseWith } from '../../shared/contracts/cloudtrail-event.js';
import {
  type ActionResult,
  type Finding,
  FINDING_DETAIL_TYPE,
  findingSchema,
  findingBusEvent,
  MAX_RECORD_BYTES,
  remediationResultEventSchema,
  RESULT_DETAIL_TYPE,
  resultBusEvent,
  secretFindingEventSchema,
  SERVICE_SOURCE,
  withoutRecord,
} from '../../shared/contracts/finding.js';
import { InvalidEventError } from '../../shared/errors.js';
import { findingFromRecord, findingOnProjectBus } from '../helpers/records.js';

const CRM_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/crm/api-token-Cr7mAp';

/** alice's deletion of prod/crm/api-token, as classify finds it: with its record. */
const deletion = (): Finding => findingFromRecord('secret-deleted/fires.DeleteSecret.authored.by-developer.json', 'secret-deleted');

const restored: ActionResult = {
  type: 'restore-secret',
  outcome: 'applied',
  reason: 'restored: the deletion is cancelled',
  mode: 'enforce',
  state: { before: 'scheduled for deletion on 2026-12-01', after: 'not scheduled for deletion' },
};

/** The problems parsing `raw` with `schema` names; a valid event fails the test. */
const problemsOf = (schema: Parameters<typeof parseWith>[0], raw: unknown): readonly string[] => {
  try {
    parseWith(schema, raw);
  } catch (error) {
    if (error instanceof InvalidEventError) return error.problems;
    throw error;
  }
  throw new Error('expected the event to be refused');
};

describe('Schema: secretFindingEventSchema()', () => {
  it('takes a finding classify built, in its envelope, as it is', () => {
    // Prepare
    const finding = deletion();

    // Act
    const parsed = parseWith(secretFindingEventSchema(), findingOnProjectBus(finding));

    // Assess
    expect(parsed.detail).toStrictEqual(finding);
    expect(parsed.source).toBe(SERVICE_SOURCE);
  });

  it('drops a field no finding has, rather than carrying it on', () => {
    // Act
    const parsed = findingSchema().parse({ ...deletion(), approvedBy: 'someone' });

    // Assess
    expect(parsed).toStrictEqual(deletion());
  });

  it.each<[string, (event: ReturnType<typeof findingOnProjectBus>) => unknown, string[]]>([
    [
      'a finding without a rule, as missing',
      ({ detail: { rule: _rule, ...detail }, ...event }) => ({ ...event, detail }),
      ['detail.rule: missing (expected string)'],
    ],
    [
      'a rule that does not exist, with the ids it may be',
      (event) => ({ ...event, detail: { ...event.detail, rule: 'secret-vanished' } }),
      [expect.stringMatching(/^detail\.rule: Invalid option: expected one of "rotation-failed"\|.*"secret-deleted"\|/) as string],
    ],
    [
      'an empty secret id',
      (event) => ({ ...event, detail: { ...event.detail, secret: { ...event.detail.secret, id: '' } } }),
      ['detail.secret.id: Too small: expected string to have >=1 characters'],
    ],
    [
      'an action no function takes, by its index',
      (event) => ({ ...event, detail: { ...event.detail, actions: ['restore-secret', 'delete-secret'] } }),
      [
        'detail.actions.1: Invalid option: expected one of "clear-stale-pending"|"enable-rotation"|"restore-secret"|"remove-public-statements"',
      ],
    ],
    [
      'evidence of the wrong kind, each field',
      (event) => ({ ...event, detail: { ...event.detail, evidence: { failingStep: 'rotateSecret', deniedCount: 1.5 } } }),
      [
        'detail.evidence.failingStep: Invalid option: expected one of "createSecret"|"setSecret"|"testSecret"|"finishSecret"',
        'detail.evidence.deniedCount: Invalid input: expected int, received number',
      ],
    ],
    [
      "a source other than the service's",
      (event) => ({ ...event, source: 'aws.secretsmanager' }),
      ['source: Invalid input: expected "secrets-remediator"'],
    ],
    [
      'a result sent as a finding',
      (event) => ({ ...event, 'detail-type': RESULT_DETAIL_TYPE }),
      ['detail-type: Invalid input: expected "Secret Finding"'],
    ],
  ])('refuses %s', (_label, edit, expected) => {
    // Prepare
    const event = edit(findingOnProjectBus(deletion()));

    // Act
    const problems = problemsOf(secretFindingEventSchema(), event);

    // Assess
    expect(problems).toStrictEqual(expected);
  });
});

describe('Schema: remediationResultEventSchema()', () => {
  const resultEvent = (result: unknown) => ({
    ...findingOnProjectBus(deletion()),
    'detail-type': RESULT_DETAIL_TYPE,
    detail: { finding: deletion(), result },
  });

  it('takes a result with the finding it is about', () => {
    // Act
    const parsed = parseWith(remediationResultEventSchema(), resultEvent(restored));

    // Assess
    expect(parsed.detail).toStrictEqual({ finding: deletion(), result: restored });
  });

  it('refuses an outcome it does not know and version stages that are not lists, naming each', () => {
    // Act
    const problems = problemsOf(
      remediationResultEventSchema(),
      resultEvent({ ...restored, outcome: 'done', before: { v1: 'AWSCURRENT' } }),
    );

    // Assess
    expect(problems).toStrictEqual([
      'detail.result.outcome: Invalid option: expected one of "applied"|"planned"|"skipped"|"blocked"|"failed"',
      'detail.result.before.v1: Invalid input: expected array, received string',
    ]);
  });
});

describe('Function: withoutRecord', () => {
  it('drops the record and keeps every other field, leaving the finding given as it was', () => {
    // Prepare
    const finding = deletion();
    const { record, ...rest } = finding;

    // Act
    const bare = withoutRecord(finding);

    // Assess
    expect(record).toBeDefined();
    expect(bare).toStrictEqual(rest);
    expect(finding.record).toBe(record);
  });
});

describe('Function: findingBusEvent', () => {
  it('puts the finding, record and all, on the bus as a Secret Finding about its secret', () => {
    // Prepare
    const finding = deletion();

    // Act
    const event = findingBusEvent(finding);

    // Assess
    expect(event).toStrictEqual({ detailType: FINDING_DETAIL_TYPE, detail: finding, resources: [CRM_ARN] });
  });

  it('names no resource when the finding knows its secret by name only', () => {
    // Prepare
    const { arn: _arn, ...byName } = deletion().secret;

    // Act
    const event = findingBusEvent({ ...deletion(), secret: { ...byName, id: 'prod/crm/api-token' } });

    // Assess
    expect(event.resources).toStrictEqual([]);
  });
});

describe('Function: resultBusEvent', () => {
  it('carries the result and the finding without its record, about the secret', () => {
    // Prepare
    const finding = deletion();

    // Act
    const event = resultBusEvent({ finding, result: restored });

    // Assess
    expect(event).toStrictEqual({
      detailType: RESULT_DETAIL_TYPE,
      detail: { finding: withoutRecord(finding), result: restored },
      resources: [CRM_ARN],
    });
    expect(
      parseWith(remediationResultEventSchema(), { ...findingOnProjectBus(finding), 'detail-type': event.detailType, detail: event.detail })
        .detail,
    ).toStrictEqual(event.detail);
  });

  it('redacts what AWS and the event said in the words it carries', () => {
    // Prepare: AWS's error quotes a connection string; the event's error message a password.
    const finding: Finding = {
      ...deletion(),
      evidence: { ...deletion().evidence, errorMessage: 'login failed: user=app password=Tr0ub4dor&3 host=db' },
    };
    const result: ActionResult = {
      ...restored,
      outcome: 'failed',
      reason: 'connect postgres://app:S3cret!pass@db.internal:5432/orders failed',
    };

    // Act
    const { detail } = resultBusEvent({ finding, result });

    // Assess
    expect(detail.result.reason).toBe('connect postgres://app:[REDACTED password]@db.internal:5432/orders failed');
    expect(detail.finding.evidence.errorMessage).toBe('login failed: user=app password=[REDACTED value]&3 host=db');
    expect(detail.finding.secret.arn).toBe(CRM_ARN);
  });
});

describe('Constant: MAX_RECORD_BYTES', () => {
  it('leaves the finding more than half of the 256 KB one PutEvents entry may weigh', () => {
    // Assess
    expect(MAX_RECORD_BYTES).toBeLessThan((256 * 1024) / 2);
  });
});
