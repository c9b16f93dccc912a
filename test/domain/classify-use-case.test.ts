/**
 * The classify use case on the sandbox account: an event in, "Secret Finding" events out. It reads
 * the secret only for a rule that needs its state (and judges from the event alone when it is gone
 * or unreadable), reads a member's secret through the member's read role, reports a once-only
 * finding once (and again when publishing it failed), and folds an incident's other findings into
 * the one published. mergeOutcomes makes one answer of a Security Hub event's parts.
 */
import { describe, expect, it, vi } from 'vitest';
import { parseClassifiableEvent } from '../../shared/contracts/cloudtrail-event.js';
import { type ClassifyOutcome, type ClassifyPorts, classifyEvent, mergeOutcomes } from '../../shared/domain/classify-use-case.js';
import type { ClassifyContext } from '../../shared/domain/classify.js';
import { PermissionDeniedError, SecretNotFoundError, TransientAwsError } from '../../shared/errors.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { loadSampleEvent } from '../helpers/events.js';
import { classifyContext, samplePolicy } from '../helpers/policy.js';
import { defaultSandbox, sandboxWith } from '../helpers/sandbox.js';

const CRM_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/crm/api-token-Cr7mAp';
const DELETED_BY_DEVELOPER = 'secret-deleted/fires.DeleteSecret.authored.by-developer.json';
const MEMBER_DELETION = 'secret-deleted/fires.DeleteSecret.authored.member-account.json';
const MEMBER_SECRET = 'arn:aws:secretsmanager:eu-west-1:444455556666:secret:orders/api-key-Or4dKy';

/** The sandbox's ports, with a Lambda invocation's time left. */
const portsOf = (account: SandboxAccount, overrides: Partial<ClassifyPorts> = {}): ClassifyPorts => ({
  bus: account.bus,
  secrets: account.secrets,
  ledger: account.ledger,
  clock: account.clock,
  remainingMs: () => 30_000,
  ...overrides,
});

/** A sample event as classify receives it, parsed. */
const sample = (path: string) => parseClassifiableEvent(loadSampleEvent(path));

/** prod/crm/api-token, scheduled for deletion by alice's DeleteSecret. */
const crmAccount = (): SandboxAccount =>
  sandboxWith({ name: 'prod/crm/api-token', arn: CRM_ARN, deletedDate: '2026-11-24T10:15:00Z', versions: { v1: ['AWSCURRENT'] } });

const detailsPublished = (account: SandboxAccount) => account.bus.published.map((event) => event.detail as { id: string; rule: string });

describe('Use case: classifyEvent', () => {
  it("publishes one Secret Finding per finding, naming the secret, after reading the secret's state once for the rule that needs it", async () => {
    // Prepare
    const account = crmAccount();
    const event = sample(DELETED_BY_DEVELOPER);

    // Act
    const outcome = await classifyEvent(event, portsOf(account), classifyContext);

    // Assess
    expect(outcome).toStrictEqual({ status: 'published', findings: [`${event.event.id}/secret-deleted`] });
    expect(account.bus.published).toMatchObject([
      { source: 'secrets-remediator', 'detail-type': 'Secret Finding', resources: [CRM_ARN], detail: { rule: 'secret-deleted' } },
    ]);
    expect(account.secrets.calls.map((call) => [call.operation, call.secretId])).toStrictEqual([['describeSecret', CRM_ARN]]);
  });

  it('reads nothing for an event whose rules judge from the event alone', async () => {
    // Prepare
    const account = defaultSandbox();
    const event = sample('rotation-failed/fires.RotationFailed.authored.set-secret.json');

    // Act
    const outcome = await classifyEvent(event, portsOf(account), classifyContext);

    // Assess
    expect(outcome).toStrictEqual({ status: 'published', findings: [`${event.event.id}/rotation-failed`] });
    expect(account.secrets.calls).toStrictEqual([]);
  });

  it.each([
    ['gone', new SecretNotFoundError('DescribeSecret: ResourceNotFoundException: no such secret')],
    ['not readable', new PermissionDeniedError('DescribeSecret: AccessDeniedException: not allowed')],
  ])('judges from the event alone when the secret is %s', async (_label, error) => {
    // Prepare
    const account = crmAccount();
    account.secrets.failNext('describeSecret', error);
    const event = sample(DELETED_BY_DEVELOPER);

    // Act
    const outcome = await classifyEvent(event, portsOf(account), classifyContext);

    // Assess
    expect(outcome).toStrictEqual({ status: 'published', findings: [`${event.event.id}/secret-deleted`] });
  });

  it('lets a transient failure to read the secret escape, so Lambda retries the event, and publishes nothing', async () => {
    // Prepare
    const account = crmAccount();
    account.secrets.failNext('describeSecret', new TransientAwsError('DescribeSecret: ThrottlingException: rate exceeded'));

    // Act
    const act = classifyEvent(sample(DELETED_BY_DEVELOPER), portsOf(account), classifyContext);

    // Assess
    await expect(act).rejects.toThrow(TransientAwsError);
    expect(account.bus.published).toStrictEqual([]);
  });

  it('answers ignored, with the reason, for an event no rule is about, and reads nothing', async () => {
    // Prepare
    const account = defaultSandbox();
    const raw = loadSampleEvent<{ detail: Record<string, unknown> }>('rotation-succeeded/fires.RotationSucceeded.published-aws-blog.json');
    raw.detail.eventName = 'RotationStarted';

    // Act
    const outcome = await classifyEvent(parseClassifiableEvent(raw), portsOf(account), classifyContext);

    // Assess
    expect(outcome).toStrictEqual({ status: 'ignored', reason: 'no rule for AWS Service Event via CloudTrail RotationStarted' });
    expect(account.bus.published).toStrictEqual([]);
    expect(account.secrets.calls).toStrictEqual([]);
  });

  it("answers no-finding with each rule's reason when none fires", async () => {
    // Prepare: an allowed admin deleted the secret with a recovery window.
    const account = crmAccount();

    // Act
    const outcome = await classifyEvent(
      sample('secret-deleted/silent.DeleteSecret.authored.by-admin.json'),
      portsOf(account),
      classifyContext,
    );

    // Assess
    expect(outcome).toStrictEqual({
      status: 'no-finding',
      reasons: [
        'secret-force-deleted: deleted with a recovery window',
        'secret-deleted: deleted by arn:aws:iam::123456789012:role/SecretsAdmin (assumed-role), an allowed admin, and the secret is not protected',
      ],
    });
    expect(account.bus.published).toStrictEqual([]);
  });

  it('reports a burst of refused calls once, and again on the retry when publishing it failed', async () => {
    // Prepare: the sample burst; the bus refuses the crossing call's finding once.
    const account = defaultSandbox();
    const burst = loadSampleEvent<unknown[]>('access-denied-burst/fires.AccessDenied.authored.11-calls-by-one-role.json');
    let failures = 1;
    const bus = {
      publish: vi.fn(async (events: Parameters<typeof account.bus.publish>[0]) => {
        if (failures-- > 0) throw new TransientAwsError('PutEvents: ThrottlingException');
        await account.bus.publish(events);
      }),
    };
    const classify = (event: unknown) =>
      classifyEvent(parseClassifiableEvent(structuredClone(event)), portsOf(account, { bus }), classifyContext);
    const crossing = burst.at(-1);

    // Act
    for (const event of burst.slice(0, -1)) await classify(event);
    const failed = classify(crossing);
    await expect(failed).rejects.toThrow(TransientAwsError);
    const retried = await classify(crossing);
    const redelivered = await classify(crossing);

    // Assess
    expect(retried).toMatchObject({ status: 'published', findings: [expect.stringMatching(/^access-denied-burst\//)] });
    expect(redelivered).toMatchObject({ status: 'no-finding' });
    expect(account.bus.published.map((e) => (e.detail as { rule: string }).rule)).toEqual(['access-denied-burst']);
  });

  it('publishes the first read of a secret marked for deletion, and counts the next into it as one more like it', async () => {
    // Prepare: two applications read prod/crm/api-token within the same hour, each its own CloudTrail event.
    const account = defaultSandbox();
    const read = (n: number) => {
      const raw = loadSampleEvent<{ id: string; detail: { eventID: string } }>(
        'deleted-secret-in-use/fires.GetSecretValue.authored.marked-for-deletion.json',
      );
      return parseClassifiableEvent({
        ...raw,
        id: `${raw.id.slice(0, -1)}${n}`,
        detail: { ...raw.detail, eventID: `${raw.detail.eventID.slice(0, -1)}${n}` },
      });
    };

    // Act
    const first = await classifyEvent(read(1), portsOf(account), classifyContext);
    const second = await classifyEvent(read(2), portsOf(account), classifyContext);

    // Assess
    expect(first).toMatchObject({ status: 'published', findings: [expect.stringMatching(/^deleted-secret-in-use\//)] });
    const [incident] = (first as Extract<ClassifyOutcome, { status: 'published' }>).findings;
    expect(second).toStrictEqual({
      status: 'no-finding',
      reasons: [`deleted-secret-in-use: reported already (${incident}), and 1 more like it`],
    });
    expect(detailsPublished(account).map((finding) => finding.id)).toStrictEqual([incident]);
  });

  describe('in organisation mode, as the hub', () => {
    const hub: ClassifyContext = { policy: samplePolicy, account: '123456789012', region: 'us-east-1', stage: 'dev' };

    it("reads a member's secret through the member's read role, in a session named for classify", async () => {
      // Prepare
      const account = defaultSandbox();
      const event = sample(MEMBER_DELETION);

      // Act
      const outcome = await classifyEvent(event, portsOf(account, { members: account.members }), hub);

      // Assess
      expect(outcome).toStrictEqual({ status: 'published', findings: [`${event.event.id}/secret-deleted`] });
      expect(account.members.calls).toStrictEqual([
        {
          operation: 'describeSecret',
          secretId: MEMBER_SECRET,
          account: '444455556666',
          region: 'eu-west-1',
          roleArn: 'arn:aws:iam::444455556666:role/secrets-remediator-member-dev-read-euw1',
          session: 'secrets-remediator-classify',
        },
      ]);
    });

    it('judges a member event from the event alone when no member access is wired, and never reads it with its own credentials', async () => {
      // Prepare
      const account = defaultSandbox();
      const event = sample(MEMBER_DELETION);

      // Act
      const outcome = await classifyEvent(event, portsOf(account), hub);

      // Assess
      expect(outcome).toStrictEqual({ status: 'published', findings: [`${event.event.id}/secret-deleted`] });
      expect(account.secrets.calls).toStrictEqual([]);
      expect(account.members.calls).toStrictEqual([]);
    });

    it('ignores an event from an account outside the scope, with the reason, and reads nothing', async () => {
      // Prepare
      const account = defaultSandbox();

      // Act
      const outcome = await classifyEvent(
        sample('secret-deleted/silent.DeleteSecret.authored.outside-organisation-scope.json'),
        portsOf(account, { members: account.members }),
        hub,
      );

      // Assess
      expect(outcome).toMatchObject({ status: 'ignored' });
      expect((outcome as { reason: string }).reason).toContain('account 999999999999, which organisation.members.exclude leaves out');
      expect(account.secrets.calls).toStrictEqual([]);
      expect(account.members.calls).toStrictEqual([]);
    });
  });
});

describe('Function: mergeOutcomes', () => {
  const published = (...findings: string[]): ClassifyOutcome => ({ status: 'published', findings });
  const noFinding = (...reasons: string[]): ClassifyOutcome => ({ status: 'no-finding', reasons });
  const ignored = (reason: string): ClassifyOutcome => ({ status: 'ignored', reason });

  it.each<[string, ClassifyOutcome[], ClassifyOutcome]>([
    ['a single outcome as itself', [ignored('not a control this service reads')], ignored('not a control this service reads')],
    [
      'published when any part published, with every published finding',
      [published('a'), noFinding('x'), published('b', 'c')],
      published('a', 'b', 'c'),
    ],
    ['ignored when every part was ignored, the reasons joined', [ignored('one'), ignored('two')], ignored('one; two')],
    [
      "no-finding when nothing published, with every part's reasons",
      [ignored('one'), noFinding('two', 'three')],
      noFinding('one', 'two', 'three'),
    ],
  ])('answers %s', (_label, outcomes, expected) => {
    // Act
    const merged = mergeOutcomes(outcomes);

    // Assess
    expect(merged).toStrictEqual(expected);
  });
});
