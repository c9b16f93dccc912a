/**
 * Every ledger key. A deployed table holds claims under these strings for two days, so the tests
 * pin each one as it is written: a renamed namespace would make every redelivery of the next two
 * days act again. And no two namespaces may meet: a key of one is never a key of another.
 */
import { describe, expect, it } from 'vitest';
import { claimKey, itemKey, REMEMBER_MS, rememberFrom, scopeKey } from '../../shared/ledger/keys.js';

const HOUR_MS = 3_600_000;
const FINDING = 'c36c0444-d3a8-52e7-8c7b-bbc99fb41c08/secret-deleted';
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/crm/api-token-Cr7mAp';
const RUN = 'sweep-20261125T1200Z-1a2b3c4d';

describe('Function: rememberFrom', () => {
  it('remembers a thing done for two days, longer than EventBridge (24 h) and Lambda (6 h) deliver it again', () => {
    // Act
    const until = rememberFrom(new Date('2026-11-25T12:00:00Z'));

    // Assess
    expect(until.toISOString()).toBe('2026-11-27T12:00:00.000Z');
    expect(REMEMBER_MS).toBeGreaterThan(24 * HOUR_MS + 6 * HOUR_MS);
  });
});

describe('Keys as a deployed table holds them', () => {
  it.each<[string, string, string]>([
    ['itemKey.claim', itemKey.claim(`${FINDING}#restore-secret`), `claim#${FINDING}#restore-secret`],
    ['itemKey.writes', itemKey.writes(`secret#${ARN}`, '1795694400'), `writes#secret#${ARN}#1795694400`],
    [
      'itemKey.count',
      itemKey.count('denied#arn:aws:iam::123456789012:role/ci', '1795694400'),
      'count#denied#arn:aws:iam::123456789012:role/ci#1795694400',
    ],
    ['claimKey.remediation', claimKey.remediation(FINDING, 'restore-secret'), `${FINDING}#restore-secret`],
    ['claimKey.alert', claimKey.alert(FINDING, 'ab12cd'), `alert#${FINDING}#ab12cd`],
    ['claimKey.digest', claimKey.digest('secret-deleted#2026-11-25T12:00'), 'digest#secret-deleted#2026-11-25T12:00'],
    ['claimKey.digestPart', claimKey.digestPart('secret-deleted#2026-11-25T12:00', 2), 'digest#secret-deleted#2026-11-25T12:00#part-2'],
    ['claimKey.channel', claimKey.channel(`alert#${FINDING}#ab12cd`, 'slack'), `alert#${FINDING}#ab12cd#slack`],
    ['claimKey.sweep', claimKey.sweep(RUN, 3), `sweep#${RUN}#3`],
    ['claimKey.sweepStart', claimKey.sweepStart(RUN), `sweep-start#${RUN}`],
    ['claimKey.sweepOrg', claimKey.sweepOrg(RUN), `sweep-org#${RUN}`],
    ['claimKey.sweepOrgShard', claimKey.sweepOrgShard(RUN, '444455556666', 'eu-west-1'), `sweep-org#${RUN}#shard#444455556666#eu-west-1`],
    [
      'claimKey.sweepOrgShardFigures',
      claimKey.sweepOrgShardFigures(RUN, '444455556666', 'eu-west-1'),
      `sweep-org#${RUN}#figures#444455556666#eu-west-1`,
    ],
    [
      'claimKey.sweepOrgShardCounted',
      claimKey.sweepOrgShardCounted(RUN, '444455556666', 'eu-west-1'),
      `sweep-org#${RUN}#counted#444455556666#eu-west-1`,
    ],
    ['claimKey.sweepOrgSummary', claimKey.sweepOrgSummary(RUN), `sweep-org#${RUN}#summary`],
    [
      'claimKey.deniedCall',
      claimKey.deniedCall('e035438f-d582-56bc-b116-44e7dc2197fd'),
      'denied-call#e035438f-d582-56bc-b116-44e7dc2197fd',
    ],
    [
      'claimKey.reported',
      claimKey.reported('access-denied-burst/arn:aws:iam::123456789012:role/ci/2026-11-25T12:00:00.000Z'),
      'reported#access-denied-burst/arn:aws:iam::123456789012:role/ci/2026-11-25T12:00:00.000Z',
    ],
    ['scopeKey.secretWrites', scopeKey.secretWrites(ARN), `secret#${ARN}`],
    ['scopeKey.storm', scopeKey.storm('secret-deleted#2026-11-25T12:00'), 'storm#secret-deleted#2026-11-25T12:00'],
    ['scopeKey.incident', scopeKey.incident(FINDING), `incident#${FINDING}`],
    [
      'scopeKey.deniedCalls',
      scopeKey.deniedCalls('arn:aws:iam::123456789012:role/ci', '2026-11-25T12:00:00.000Z'),
      'denied#arn:aws:iam::123456789012:role/ci#2026-11-25T12:00:00.000Z',
    ],
    ['scopeKey.sweepOrgShardsDone', scopeKey.sweepOrgShardsDone(RUN), `sweep-org#${RUN}`],
  ])('%s is written as it always was', (_key, written, expected) => {
    // Assess
    expect(written).toBe(expected);
  });
});

describe('Namespaces', () => {
  it('gives every claim namespace its own word before the first "#", and a finding id (the remediation claim) none of them', () => {
    // Prepare: one key of each claim namespace but the remediation's (unprefixed) and the channel's (under its alert's or digest part's).
    const prefixed = [
      claimKey.alert(FINDING, 'ab12cd'),
      claimKey.digest('w'),
      claimKey.sweep(RUN, 1),
      claimKey.sweepStart(RUN),
      claimKey.sweepOrg(RUN),
      claimKey.deniedCall('e-1'),
      claimKey.reported(FINDING),
    ];

    // Act
    const words = prefixed.map((key) => key.split('#')[0]);
    const remediationWord = claimKey.remediation(FINDING, 'restore-secret').split('#')[0];

    // Assess
    expect(new Set(words).size).toBe(words.length);
    expect(words).not.toContain(remediationWord);
    expect(remediationWord).toContain('/');
  });

  it('keeps claims, write counts and counters apart whatever their keys', () => {
    // Act
    const same = 'secret#x#1';
    const items = [itemKey.claim(same), itemKey.writes('secret#x', '1'), itemKey.count('secret#x', '1')];

    // Assess
    expect(new Set(items).size).toBe(3);
  });
});
