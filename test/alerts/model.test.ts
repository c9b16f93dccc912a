/**
 * The alert model every channel renders: its subject fits SNS, its thread is one per secret, and
 * it names the secret alike in a single alert and a digest line.
 */
import { describe, expect, it } from 'vitest';
import { CHATBOT_LIMITS, SNS_LIMITS } from '../../shared/alerts/limits.js';
import { secretLabelOf, subjectFrom, subjectOf, threadIdOf } from '../../shared/alerts/model.js';
import { NO_SECRET } from '../../shared/contracts/finding.js';
import { findingFromRecord } from '../helpers/records.js';
import { accessDeniedBurst } from './findings.js';

/** The longest subject SNS accepts. */
const MAX_SUBJECT = SNS_LIMITS.subjectChars;

const payments = () => findingFromRecord('rotation-failed/fires.RotationFailed.authored.set-secret.json', 'rotation-failed');

describe('Function: subjectOf', () => {
  it('fits a long secret name into 99 ASCII characters (SNS: "less than 100"), keeping the severity, rule and where', () => {
    const finding = payments();
    const long = { ...finding, secret: { ...finding.secret, name: `prod/${'very-long-segment/'.repeat(10)}db` } };

    const subject = subjectOf(long);

    expect(subject).toHaveLength(MAX_SUBJECT);
    expect(subject.startsWith('[HIGH] rotation-failed: prod/very-long-segment/')).toBe(true);
    expect(subject.endsWith('... (123456789012/us-east-1)')).toBe(true);
    expect(subject).toMatch(/^[\x20-\x7E]+$/);
  });

  it('leaves a short subject alone', () => {
    expect(subjectOf(payments()).length).toBeLessThan(MAX_SUBJECT);
  });
});

describe('Function: subjectFrom', () => {
  it('writes what an event carries beyond printable ASCII as ?, on one line', () => {
    expect(subjectFrom('high', 'rotation-failed', 'prod/café\n\tdb', '123456789012', 'us-east-1')).toBe(
      '[HIGH] rotation-failed: prod/caf? db (123456789012/us-east-1)',
    );
  });

  it('drops the label rather than leave a stub of it when the rest leaves no room, and still fits', () => {
    const subject = subjectFrom('critical', 'r'.repeat(60), 'prod/db', 'a'.repeat(20), 'b'.repeat(20));

    expect(subject).toHaveLength(MAX_SUBJECT);
    expect(subject).not.toContain('prod');
    expect(subject.endsWith('...')).toBe(true);
  });
});

describe('Function: threadIdOf', () => {
  it('keeps account, region and secret readable when they fit', () => {
    expect(threadIdOf('123456789012', 'us-east-1', 'prod/db')).toBe('123456789012/us-east-1/prod/db');
  });

  it('hashes a key past the limit or with spaces, still one thread per secret', () => {
    const long = `prod/${'x'.repeat(CHATBOT_LIMITS.threadIdChars)}`;

    const first = threadIdOf('123456789012', 'us-east-1', long);

    expect(first).toMatch(/^123456789012\/us-east-1\/sha256-[0-9a-f]{40}$/);
    expect(first.length).toBeLessThanOrEqual(CHATBOT_LIMITS.threadIdChars);
    expect(threadIdOf('123456789012', 'us-east-1', long)).toBe(first);
    expect(threadIdOf('123456789012', 'us-east-1', `${long}2`)).not.toBe(first);
    expect(threadIdOf('123456789012', 'us-east-1', 'my secret')).toMatch(/\/sha256-[0-9a-f]{40}$/);
  });
});

describe('Function: secretLabelOf', () => {
  const actor = payments().actor;
  const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-Ab12Cd';
  /** A finding's secret as classify records it, with `fields` as given. */
  const secret = (fields: { id: string; arn?: string; name?: string }) => ({
    account: '123456789012',
    region: 'us-east-1',
    foundAt: 'detail.requestParameters.secretId',
    ...fields,
  });

  it('names the secret by its name, else by what its ARN or id says', () => {
    expect(secretLabelOf({ actor, secret: secret({ id: arn, arn, name: 'prod/db' }) })).toBe('prod/db');
    expect(secretLabelOf({ actor, secret: secret({ id: arn, arn }) })).toBe('prod/db-Ab12Cd');
    expect(secretLabelOf({ actor, secret: secret({ id: 'prod/db' }) })).toBe('prod/db');
  });

  it('names the caller of a finding about calls that named no secret', () => {
    const burst = { ...accessDeniedBurst(), secret: secret({ id: NO_SECRET }) };

    expect(secretLabelOf(burst)).toBe('arn:aws:iam::123456789012:role/ci-deployer');
  });

  it('says "unknown secret" rather than print nothing', () => {
    expect(secretLabelOf({ actor, secret: secret({ id: '' }) })).toBe('unknown secret');
  });
});
