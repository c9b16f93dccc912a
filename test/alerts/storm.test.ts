/** Storm control's decisions, as data: windows, the one-by-one limit, the digest of a window. */
import { describe, expect, it } from 'vitest';
import {
  canHoldIn,
  closedBy,
  counterOf,
  digestOf,
  FLUSH_GRACE_MS,
  heldAlertOf,
  HOLD_DEADLINE_MS,
  isBelowMinimum,
  routeFor,
  windowFor,
} from '../../shared/alerts/storm.js';
import { buildAlertModel } from '../../shared/alerts/model.js';
import type { Finding } from '../../shared/contracts/finding.js';
import { NO_SECRET } from '../../shared/contracts/finding.js';
import type { HeldAlert } from '../../shared/ports/digest.js';
import { accessDeniedBurst } from './findings.js';

const secret = { id: 'x', account: '123456789012', region: 'us-east-1', foundAt: 'detail.responseElements.arn' };

const held = (findingId: string, time: string, severity: HeldAlert['severity'] = 'medium'): HeldAlert => ({
  findingId,
  secret: `prod/${findingId}`,
  time,
  title: 'Secret value changed by hand',
  severity,
  reason: 'PutSecretValue by an IAM user',
});

describe('Function: windowFor', () => {
  it('puts every moment of a 5-minute stretch, aligned to the clock, in one window', () => {
    // Act
    const first = windowFor({ rule: 'rotation-failed', secret }, new Date('2026-11-25T12:00:00.000Z'), 5);
    const last = windowFor({ rule: 'rotation-failed', secret }, new Date('2026-11-25T12:04:59.999Z'), 5);
    const next = windowFor({ rule: 'rotation-failed', secret }, new Date('2026-11-25T12:05:00.000Z'), 5);

    // Assess
    expect(first).toEqual({
      key: '123456789012/us-east-1/rotation-failed/2026-11-25T12:00:00.000Z',
      rule: 'rotation-failed',
      account: '123456789012',
      region: 'us-east-1',
      start: '2026-11-25T12:00:00.000Z',
      end: '2026-11-25T12:05:00.000Z',
    });
    expect(last).toEqual(first);
    expect(next.start).toBe('2026-11-25T12:05:00.000Z');
  });

  it('keeps rules, accounts and regions apart', () => {
    // Prepare
    const now = new Date('2026-11-25T12:01:00Z');

    // Act
    const keys = [
      windowFor({ rule: 'rotation-failed', secret }, now, 5).key,
      windowFor({ rule: 'secret-deleted', secret }, now, 5).key,
      windowFor({ rule: 'rotation-failed', secret: { ...secret, account: '210987654321' } }, now, 5).key,
      windowFor({ rule: 'rotation-failed', secret: { ...secret, region: 'eu-west-1' } }, now, 5).key,
    ];

    // Assess
    expect(new Set(keys).size).toBe(4);
  });

  it('numbers each window with a counter of its own that outlives the window', () => {
    // Prepare
    const window = windowFor({ rule: 'rotation-failed', secret }, new Date('2026-11-25T12:01:00Z'), 5);

    // Act
    const counter = counterOf(window);

    // Assess
    expect(counter.scope).toBe(`storm#${window.key}`);
    expect(counter.expiresAt.getTime()).toBeGreaterThan(Date.parse(window.end));
  });
});

describe('Function: routeFor', () => {
  it.each([
    [1, 5, 'individual'],
    [5, 5, 'individual'],
    [6, 5, 'held'],
    [1000, 5, 'held'],
    [1, 1, 'individual'],
    [2, 1, 'held'],
  ] as const)('sends the alert numbered %i of its window with digestAfter %i: %s', (position, digestAfter, route) => {
    expect(routeFor(position, digestAfter)).toBe(route);
  });
});

describe('Function: isBelowMinimum', () => {
  it.each([
    ['info', 'info', false],
    ['low', 'medium', true],
    ['medium', 'medium', false],
    ['critical', 'high', false],
    ['high', 'critical', true],
  ] as const)('%s under a minimum of %s: below = %s', (severity, minimum, below) => {
    expect(isBelowMinimum(severity, minimum)).toBe(below);
  });
});

describe('Function: canHoldIn and closedBy', () => {
  const window = windowFor({ rule: 'rotation-failed', secret }, new Date('2026-11-25T12:01:00Z'), 5);
  const end = Date.parse(window.end);

  it('holds alerts in a window until shortly after its end, and flushes it only after that', () => {
    expect(canHoldIn(window, new Date(end - 1))).toBe(true);
    expect(canHoldIn(window, new Date(end + HOLD_DEADLINE_MS - 1))).toBe(true);
    expect(canHoldIn(window, new Date(end + HOLD_DEADLINE_MS))).toBe(false);
    // The digest waits longer than holding is allowed: nothing is held after it is sent.
    expect(FLUSH_GRACE_MS).toBeGreaterThan(HOLD_DEADLINE_MS);
    expect(closedBy(new Date(end + FLUSH_GRACE_MS)).getTime()).toBe(end);
    expect(closedBy(new Date(end + FLUSH_GRACE_MS - 1)).getTime()).toBeLessThan(end);
  });
});

describe('Function: digestOf', () => {
  const window = windowFor({ rule: 'value-changed-by-hand', secret }, new Date('2026-11-25T12:01:00Z'), 5);

  it('lists every held alert, oldest first, at the highest severity among them', () => {
    // Prepare
    const alerts = [held('c', '2026-11-25T12:03:00Z'), held('a', '2026-11-25T12:01:00Z', 'high'), held('b', '2026-11-25T12:01:00Z')];

    // Act
    const digest = digestOf(window, alerts);

    // Assess
    expect(digest).toMatchObject({
      rule: 'value-changed-by-hand',
      title: 'Secret value changed by hand',
      severity: 'high',
      account: '123456789012',
      region: 'us-east-1',
      windowStart: window.start,
      windowEnd: window.end,
    });
    expect(digest.items.map((i) => i.findingId)).toEqual(['a', 'b', 'c']);
    expect(digest.items[0]).toEqual({
      findingId: 'a',
      secret: 'prod/a',
      time: '2026-11-25T12:01:00Z',
      reason: 'PutSecretValue by an IAM user',
    });
  });

  it('gives the same digest whatever order the store answers in', () => {
    // Prepare
    const alerts = Array.from({ length: 50 }, (_, n) => held(`f-${n}`, `2026-11-25T12:0${n % 5}:00Z`));

    // Act
    const forward = digestOf(window, alerts);
    const backward = digestOf(window, [...alerts].reverse());

    // Assess
    expect(backward).toEqual(forward);
  });
});

describe('Function: heldAlertOf', () => {
  it('keeps one line about the finding, its secret by name, the outcome of its action, and what a storm compares', () => {
    // Prepare
    const rotationFunction = 'arn:aws:lambda:us-east-1:123456789012:function:payments-db-rotation';
    const finding = {
      id: 'e-1/rotation-failed',
      rule: 'rotation-failed',
      title: 'Rotation failed',
      severity: 'high',
      reason: 'RotationFailed at the setSecret step',
      secret: {
        ...secret,
        id: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-Ab12Cd',
        arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-Ab12Cd',
      },
      event: {
        id: 'e-1',
        name: 'RotationFailed',
        detailType: 'AWS Service Event via CloudTrail',
        time: '2026-11-25T12:01:02Z',
        account: '123456789012',
        region: 'us-east-1',
      },
      actor: {
        kind: 'aws-service',
        principal: 'secretsmanager.amazonaws.com',
        userAgent: 'secretsmanager.amazonaws.com',
        isPerson: false,
        isAllowedAdmin: false,
      },
      evidence: { rotationLambdaArn: rotationFunction },
      notes: [],
    } as unknown as Finding;

    // Act
    const line = heldAlertOf(finding, { type: 'clear-stale-pending', outcome: 'planned', reason: 'dry run', mode: 'dry-run' });

    // Assess
    expect(line).toEqual({
      findingId: 'e-1/rotation-failed',
      secret: 'prod/db-Ab12Cd',
      time: '2026-11-25T12:01:02Z',
      title: 'Rotation failed',
      severity: 'high',
      reason: 'RotationFailed at the setSecret step',
      outcome: 'planned',
      caller: 'secretsmanager.amazonaws.com',
      userAgent: 'secretsmanager.amazonaws.com',
      rotationFunction,
    });
  });

  it('names the caller, as its single alert does, when the finding is about calls that named no secret', () => {
    // Prepare
    const burst = accessDeniedBurst();
    const finding: Finding = {
      ...burst,
      secret: { id: NO_SECRET, account: burst.secret.account, region: burst.secret.region, foundAt: 'none' },
    };

    // Act
    const line = heldAlertOf(finding);

    // Assess
    expect(line.secret).toBe('arn:aws:iam::123456789012:role/ci-deployer');
    expect(line.secret).toBe(buildAlertModel(finding).secret.label);
  });

  it('keeps the reason only redacted, as the single alert would show it', () => {
    // Prepare
    const burst = accessDeniedBurst();
    const finding: Finding = {
      ...burst,
      reason: `rotation failed: connect postgres://app:Sup3rS3cretPassw0rd@db:5432/x refused for ${burst.secret.name ?? ''}`,
    };

    // Act
    const line = heldAlertOf(finding);

    // Assess
    expect(line.reason).toBe('rotation failed: connect postgres://app:[REDACTED password]@db:5432/x refused for prod/payments/db');
  });

  it('stores the caller and user agent redacted, and no caller for a finding the sweep made', () => {
    // Prepare
    const burst = accessDeniedBurst();
    const planted = { ...burst, actor: { ...burst.actor, userAgent: 'curl/8 password=Sup3rS3cretPassw0rd <!channel>' } };
    const swept: Finding = { ...burst, actor: { kind: 'sweep', principal: 'sweep', isPerson: false, isAllowedAdmin: false } };

    // Act
    const line = heldAlertOf(planted);
    const sweptLine = heldAlertOf(swept);

    // Assess
    expect(line.caller).toBe(burst.actor.principal);
    expect(line.userAgent).not.toContain('Sup3rS3cret');
    expect(line.userAgent).toContain('[REDACTED');
    expect(sweptLine.caller).toBeUndefined();
  });
});
