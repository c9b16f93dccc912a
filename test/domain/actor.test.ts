import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../shared/contracts/cloudtrail-event.js';
import { actorOf } from '../../shared/domain/actor.js';

const record = (userIdentity: CloudTrailRecord['userIdentity'], extra: Partial<CloudTrailRecord> = {}): CloudTrailRecord => ({
  eventTime: '2026-11-25T10:00:00Z',
  eventSource: 'secretsmanager.amazonaws.com',
  eventName: 'UpdateSecret',
  awsRegion: 'us-east-1',
  userIdentity,
  ...extra,
});

describe('Function: actorOf', () => {
  it('recognises the rotation service, which sends only invokedBy and accountId', () => {
    expect(actorOf(record({ accountId: '123456789012', invokedBy: 'secretsmanager.amazonaws.com' }))).toEqual({
      kind: 'aws-service',
      principal: 'secretsmanager.amazonaws.com',
      accountId: '123456789012',
    });
  });

  it('recognises the root user', () => {
    expect(actorOf(record({ type: 'Root', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012' }))).toMatchObject({
      kind: 'root',
      principal: 'arn:aws:iam::123456789012:root',
    });
  });

  it('recognises an IAM user, with source IP and user agent', () => {
    const actor = actorOf(
      record({ type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice' }, { sourceIPAddress: '203.0.113.7', userAgent: 'aws-cli/2.15.0' }),
    );

    expect(actor).toEqual({ kind: 'iam-user', principal: 'arn:aws:iam::123456789012:user/alice', sourceIp: '203.0.113.7', userAgent: 'aws-cli/2.15.0' });
  });

  it('names the role behind an assumed-role session', () => {
    const actor = actorOf(
      record({
        type: 'AssumedRole',
        arn: 'arn:aws:sts::123456789012:assumed-role/Deployer/session-1',
        sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::123456789012:role/Deployer' } },
      }),
    );

    expect(actor).toMatchObject({ kind: 'assumed-role', principal: 'arn:aws:iam::123456789012:role/Deployer' });
  });

  it('says unknown rather than guessing when there is no identity', () => {
    expect(actorOf(record(undefined))).toEqual({ kind: 'unknown', principal: 'unknown' });
  });
});
