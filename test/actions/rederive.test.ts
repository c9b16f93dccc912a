/**
 * rederive: what an action believes before it writes. The finding's verdict is taken again from
 * the record it carries (classified by the same rules against the secret as it is now), or, for a
 * sweep finding, from the sweep's check run again; a finding that does not hold up is rejected
 * with the reason, and a sweep finding whose condition no longer holds has nothing to do.
 */
import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS, disagreementOf, type RederiveContext, type Rederived, rederive } from '../../shared/actions/rederive.js';
import type { Finding } from '../../shared/contracts/finding.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { loadSampleEvent } from '../helpers/events.js';
import { samplePolicy } from '../helpers/policy.js';
import { findingFromRecord, sweepFindingOn } from '../helpers/records.js';
import { FIXED_NOW, sandboxWith } from '../helpers/sandbox.js';

const CRM_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/crm/api-token-Cr7mAp';
const PAYMENTS_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op';
const DELETED_BY_DEVELOPER = 'secret-deleted/fires.DeleteSecret.authored.by-developer.json';
const NOT_ACTED_ON = 'not acted on: the finding does not hold up against AWS: ';

/** The hub this action runs in: the sample events' account and region, under the sample policy. */
const context: RederiveContext = { policy: samplePolicy, now: FIXED_NOW, account: '123456789012', region: 'us-east-1' };

/** prod/crm/api-token as alice's DeleteSecret left it: scheduled for deletion. */
const deletedCrmToken = (): SandboxAccount =>
  sandboxWith({ name: 'prod/crm/api-token', arn: CRM_ARN, deletedDate: '2026-11-24T10:15:00Z', versions: { v1: ['AWSCURRENT'] } });

/** The finding `claimed`, judged against the secret `arn` as `account` holds it now. */
const rederiveOn = async (account: SandboxAccount, arn: string, claimed: Finding, given: RederiveContext = context) =>
  rederive(claimed, await account.secrets.describeSecret(arn), account.secrets, given);

/** The reason of a rejection; any other verdict fails the test, showing it. */
const rejectionOf = (verdict: Rederived): string => {
  if (verdict.kind !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(verdict)}`);
  return verdict.reason;
};

/** A finding whose event is dated `time`, in the finding and in its record alike, so only the date is wrong. */
const datedAt = (finding: Finding, time: string): Finding => {
  const record = structuredClone(finding.record) as { time: string; detail: { eventTime: string } };
  record.time = time;
  record.detail.eventTime = time;
  return { ...finding, event: { ...finding.event, time }, record };
};

describe('Function: rederive', () => {
  describe('a finding classified from an event', () => {
    it('verifies a genuine finding, and acts on the verdict taken again rather than on the words received', async () => {
      // Prepare: the genuine secret-deleted finding, its reason and title rewritten in transit.
      const account = deletedCrmToken();
      const genuine = findingFromRecord(DELETED_BY_DEVELOPER, 'secret-deleted');
      const reworded: Finding = { ...genuine, title: 'Nothing to see', reason: 'routine clean-up' };

      // Act
      const verdict = await rederiveOn(account, CRM_ARN, reworded);

      // Assess
      expect(verdict).toStrictEqual({ kind: 'verified', finding: genuine });
    });

    it('rejects a finding that carries no record, with the reason the record was left out when it says one', async () => {
      // Prepare
      const account = deletedCrmToken();
      const genuine = findingFromRecord(DELETED_BY_DEVELOPER, 'secret-deleted');
      const { record: _record, ...withoutRecord } = genuine;

      // Act
      const bare = await rederiveOn(account, CRM_ARN, withoutRecord);
      const omitted = await rederiveOn(account, CRM_ARN, { ...withoutRecord, recordOmitted: 'the event is 200000 bytes' });

      // Assess
      expect(bare).toStrictEqual({ kind: 'rejected', reason: `${NOT_ACTED_ON}it carries no record to check it against` });
      expect(omitted).toStrictEqual({ kind: 'rejected', reason: `${NOT_ACTED_ON}the event is 200000 bytes` });
    });

    it('rejects a record that is not a valid event, naming the field at fault', async () => {
      // Prepare: the record loses its detail-type.
      const account = deletedCrmToken();
      const genuine = findingFromRecord(DELETED_BY_DEVELOPER, 'secret-deleted');
      const { 'detail-type': _detailType, ...record } = genuine.record ?? {};

      // Act
      const verdict = await rederiveOn(account, CRM_ARN, { ...genuine, record });

      // Assess
      expect(rejectionOf(verdict)).toMatch(new RegExp(`^${NOT_ACTED_ON}its record is not a valid event \\(invalid event: .*detail-type`));
    });

    it('rejects a record no rule is about', async () => {
      // Prepare: the record is a RotationStarted service event, which no rule reads.
      const account = deletedCrmToken();
      const genuine = findingFromRecord(DELETED_BY_DEVELOPER, 'secret-deleted');
      const record = loadSampleEvent<{ detail: Record<string, unknown> }>(
        'rotation-succeeded/fires.RotationSucceeded.published-aws-blog.json',
      );
      record.detail.eventName = 'RotationStarted';

      // Act
      const verdict = await rederiveOn(account, CRM_ARN, { ...genuine, record });

      // Assess
      expect(verdict).toStrictEqual({
        kind: 'rejected',
        reason: `${NOT_ACTED_ON}its record triggers nothing: no rule for AWS Service Event via CloudTrail RotationStarted`,
      });
    });

    it("rejects a finding whose record, classified again, raises nothing: an allowed admin's deletion", async () => {
      // Prepare: jane.doe (SecretsAdmin) deleted the secret; the finding claims secret-deleted anyway.
      const account = deletedCrmToken();
      const genuine = findingFromRecord(DELETED_BY_DEVELOPER, 'secret-deleted');
      const record = loadSampleEvent('secret-deleted/silent.DeleteSecret.authored.by-admin.json');

      // Act
      const verdict = await rederiveOn(account, CRM_ARN, { ...genuine, record });

      // Assess
      expect(verdict).toStrictEqual({
        kind: 'rejected',
        reason:
          `${NOT_ACTED_ON}its record, classified again, raises nothing: secret-force-deleted: deleted with a recovery window; ` +
          'secret-deleted: deleted by arn:aws:iam::123456789012:role/SecretsAdmin (assumed-role), an allowed admin, and the secret is not protected',
      });
    });

    it('rejects a finding whose id or rule its record does not raise', async () => {
      // Prepare
      const account = deletedCrmToken();
      const genuine = findingFromRecord(DELETED_BY_DEVELOPER, 'secret-deleted');

      // Act
      const otherId = await rederiveOn(account, CRM_ARN, { ...genuine, id: `${genuine.id}-again` });
      const otherRule = await rederiveOn(account, CRM_ARN, { ...genuine, rule: 'secret-force-deleted' });

      // Assess
      expect(otherId).toStrictEqual({
        kind: 'rejected',
        reason: `${NOT_ACTED_ON}its record, classified again, does not raise secret-deleted as ${genuine.id}-again`,
      });
      expect(otherRule).toStrictEqual({
        kind: 'rejected',
        reason: `${NOT_ACTED_ON}its record, classified again, does not raise secret-force-deleted as ${genuine.id}`,
      });
    });

    it('rejects a finding that states a fact of the verdict differently from its record', async () => {
      // Prepare: a forgery that calls alice an allowed admin.
      const account = deletedCrmToken();
      const genuine = findingFromRecord(DELETED_BY_DEVELOPER, 'secret-deleted');
      const forged: Finding = { ...genuine, actor: { ...genuine.actor, isAllowedAdmin: true } };

      // Act
      const verdict = await rederiveOn(account, CRM_ARN, forged);

      // Assess
      expect(verdict).toStrictEqual({
        kind: 'rejected',
        reason: `${NOT_ACTED_ON}its allowed-admin flag (true) disagrees with its record (false)`,
      });
    });

    it(`takes an event up to ${CLOCK_SKEW_MS / 60_000} minutes ahead of this clock as clock skew, and refuses one later`, async () => {
      // Prepare: the same genuine finding, dated just within and just beyond the skew.
      const account = deletedCrmToken();
      const genuine = findingFromRecord(DELETED_BY_DEVELOPER, 'secret-deleted');
      const withinSkew = new Date(FIXED_NOW.getTime() + CLOCK_SKEW_MS).toISOString();
      const beyondSkew = new Date(FIXED_NOW.getTime() + CLOCK_SKEW_MS + 1000).toISOString();

      // Act
      const within = await rederiveOn(account, CRM_ARN, datedAt(genuine, withinSkew));
      const beyond = await rederiveOn(account, CRM_ARN, datedAt(genuine, beyondSkew));

      // Assess
      expect(within.kind).toBe('verified');
      expect(beyond).toStrictEqual({
        kind: 'rejected',
        reason: `${NOT_ACTED_ON}the record's eventTime (${beyondSkew}) is in the future (this function's clock says ${FIXED_NOW.toISOString()})`,
      });
    });

    it.each([
      [
        'an account the policy excludes',
        { account: '999999999999' },
        'account 999999999999, which organisation.members.exclude leaves out',
      ],
      ['a region the organisation does not guard', { region: 'sa-east-1' }, 'region sa-east-1, which is not guarded'],
    ])('rejects a finding about a secret in %s before reading its record', async (_label, place, where) => {
      // Prepare: the genuine finding, moved to a place outside the scope, its record removed.
      const account = deletedCrmToken();
      const genuine = findingFromRecord(DELETED_BY_DEVELOPER, 'secret-deleted');
      const elsewhere: Finding = { ...genuine, secret: { ...genuine.secret, ...place }, record: undefined };

      // Act
      const verdict = await rederiveOn(account, CRM_ARN, elsewhere);

      // Assess
      expect(rejectionOf(verdict)).toContain(`${NOT_ACTED_ON}it names a secret in ${where}`);
      expect(rejectionOf(verdict)).toMatch(/: outside the scope this deployment guards$/);
    });
  });

  describe('a sweep finding', () => {
    /** prod/payments/db with a version left pending for `hours` at FIXED_NOW. */
    const pendingFor = (hours: number): SandboxAccount =>
      sandboxWith({
        name: 'prod/payments/db',
        arn: PAYMENTS_ARN,
        versions: { current: ['AWSCURRENT'], stale: ['AWSPENDING'] },
        versionCreatedDates: { stale: new Date(FIXED_NOW.getTime() - hours * 3_600_000).toISOString() },
      });

    it("verifies it when the sweep's check, run again on the secret now, fails the same way, keeping its id", async () => {
      // Prepare
      const account = pendingFor(72);
      const finding = await sweepFindingOn(account, PAYMENTS_ARN, 'stale-pending');

      // Act
      const verdict = await rederiveOn(account, PAYMENTS_ARN, { ...finding, reason: 'reworded in transit' });

      // Assess
      expect(verdict).toStrictEqual({ kind: 'verified', finding });
      expect(finding.id).toBe(`sweep/2026-11-25/stale-pending/${PAYMENTS_ARN}`);
    });

    it('has nothing to do when the check finds nothing wrong now, and claims no fault', async () => {
      // Prepare: the sweep saw a version pending for three days; it has been cleared since.
      const finding = await sweepFindingOn(pendingFor(72), PAYMENTS_ARN, 'stale-pending');
      const account = pendingFor(1);

      // Act
      const verdict = await rederiveOn(account, PAYMENTS_ARN, finding);

      // Assess
      expect(verdict).toStrictEqual({
        kind: 'nothing-to-do',
        reason: "the sweep's stale-pending check, run again on the secret as it is now, finds nothing wrong",
      });
    });

    it.each([
      [
        'an id of another day',
        (f: Finding) => ({ ...f, id: `sweep/2026-11-24/stale-pending/${PAYMENTS_ARN}` }),
        /its id sweep\/2026-11-24\/.* is not the sweep's id for stale-pending on /,
      ],
      [
        'another event name',
        (f: Finding) => ({ ...f, event: { ...f.event, name: 'DeleteSecret' } }),
        /a sweep finding comes from ScheduledSweep, not DeleteSecret$/,
      ],
      [
        'a time that is not a date',
        (f: Finding) => ({ ...f, event: { ...f.event, time: 'yesterday' } }),
        /its time \(yesterday\) is not a date$/,
      ],
      [
        'a time tomorrow',
        (f: Finding) => ({ ...f, event: { ...f.event, time: '2026-11-26T12:00:00.000Z' } }),
        /its time \(2026-11-26T12:00:00.000Z\) is in the future \(this function's clock says 2026-11-25T12:00:00.000Z\)$/,
      ],
    ])('rejects one with %s', async (_label, forge, reason) => {
      // Prepare
      const account = pendingFor(72);
      const finding = await sweepFindingOn(account, PAYMENTS_ARN, 'stale-pending');

      // Act
      const verdict = await rederiveOn(account, PAYMENTS_ARN, forge(finding));

      // Assess
      expect(rejectionOf(verdict).startsWith(NOT_ACTED_ON)).toBe(true);
      expect(rejectionOf(verdict)).toMatch(reason);
    });
  });
});

describe('Function: disagreementOf', () => {
  const genuine = (): Finding => findingFromRecord(DELETED_BY_DEVELOPER, 'secret-deleted');

  it('finds nothing between a finding and itself, nor in the words that are not the verdict', () => {
    // Act
    const same = disagreementOf(genuine(), genuine());
    const reworded = disagreementOf({ ...genuine(), title: 'another title', reason: 'another reason', severity: 'info' }, genuine());

    // Assess
    expect(same).toBeUndefined();
    expect(reworded).toBeUndefined();
  });

  it.each([
    [
      'secret',
      (f: Finding): Finding => ({ ...f, secret: { ...f.secret, id: 'prod/other' } }),
      `its secret (prod/other) disagrees with its record (${CRM_ARN})`,
    ],
    [
      'actor',
      (f: Finding): Finding => ({ ...f, actor: { ...f.actor, principal: 'arn:aws:iam::123456789012:user/bob' } }),
      'its actor (arn:aws:iam::123456789012:user/bob) disagrees with its record (arn:aws:iam::123456789012:user/alice)',
    ],
    [
      'actor kind',
      (f: Finding): Finding => ({ ...f, actor: { ...f.actor, kind: 'root' } }),
      'its actor kind (root) disagrees with its record (iam-user)',
    ],
    [
      'event time',
      (f: Finding): Finding => ({ ...f, event: { ...f.event, time: '2026-11-20T00:00:00Z' } }),
      'its event time (2026-11-20T00:00:00Z) disagrees with its record (2026-11-24T10:15:00Z)',
    ],
    [
      'evidence',
      (f: Finding): Finding => ({ ...f, evidence: { ...f.evidence, recoveryWindowInDays: 30 } }),
      /^its evidence \(\{.*"recoveryWindowInDays":30.*\}\) disagrees with its record \(\{.*"recoveryWindowInDays":7.*\}\)$/,
    ],
    ['actions', (f: Finding): Finding => ({ ...f, actions: [] }), 'its actions () disagrees with its record (restore-secret)'],
  ])('names the %s when the finding states it differently', (_fact, edit, expected) => {
    // Act
    const disagreement = disagreementOf(edit(genuine()), genuine());

    // Assess
    if (typeof expected === 'string') expect(disagreement).toBe(expected);
    else expect(disagreement).toMatch(expected);
  });

  it('names the first fact that differs, the secret before the actor', () => {
    // Prepare
    const claimed: Finding = {
      ...genuine(),
      secret: { ...genuine().secret, id: 'prod/other' },
      actor: { ...genuine().actor, principal: 'arn:aws:iam::123456789012:user/bob' },
    };

    // Act
    const disagreement = disagreementOf(claimed, genuine());

    // Assess
    expect(disagreement).toMatch(/^its secret /);
  });

  it('compares the evidence whatever order its keys were written in', () => {
    // Prepare
    const reordered: Finding = { ...genuine(), evidence: Object.fromEntries(Object.entries(genuine().evidence).reverse()) };

    // Act
    const disagreement = disagreementOf(reordered, genuine());

    // Assess
    expect(Object.keys(reordered.evidence)).not.toEqual(Object.keys(genuine().evidence));
    expect(disagreement).toBeUndefined();
  });
});
