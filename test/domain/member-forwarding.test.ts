/**
 * A member stack's forward queue: its name and its alarms' names, the pattern of the hub's rule
 * that notifies them (replayed with the project's matcher against CloudWatch's published alarm
 * event, as a member's alarm would send it and as another account could forge it), and which of
 * the queue's messages redrive may send on to classify.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forwardedRoutes } from '../../shared/cli/organisation-deployment.js';
import {
  ALARM_DETAIL_TYPE,
  ALARM_SOURCE,
  forwardQueueAlarmNames,
  forwardQueueAlarmPattern,
  forwardQueueName,
  readForwardedLetter,
} from '../../shared/domain/member-forwarding.js';
import { loadPolicy } from '../../shared/policy/load-policy.js';
import { compilePattern, matchesPattern } from '../../shared/rules/match-pattern.js';
import { loadSampleEvent, repoRoot } from '../helpers/events.js';

const MEMBER = { account: '444455556666', region: 'eu-west-1' };
const ARRIVALS = 'secrets-remediator-prod-forward-undelivered-arrivals';
const OLDEST = 'secrets-remediator-prod-forward-undelivered-oldest-message';

type AlarmEvent = {
  id: string;
  account: string;
  region: string;
  resources: string[];
  detail: { alarmName: string; state: { value: string }; previousState: { value: string } };
} & Record<string, unknown>;

/** CloudWatch's published sample (test/fixtures/cloudwatch/README.md), a fresh copy each time. */
const publishedAlarmEvent = (): AlarmEvent =>
  JSON.parse(
    readFileSync(join(repoRoot, 'test/fixtures/cloudwatch/AlarmStateChange.eventbridge-native.awsdocs.json'), 'utf8'),
  ) as AlarmEvent;

/** The published event as `name` in `place` would send it: only the alarm's name, ARN, account and region changed. */
const alarmEvent = (name: string, place = MEMBER, state = 'ALARM'): AlarmEvent => {
  const event = publishedAlarmEvent();
  event.account = place.account;
  event.region = place.region;
  event.resources = [`arn:aws:cloudwatch:${place.region}:${place.account}:alarm:${name}`];
  event.detail.alarmName = name;
  event.detail.state.value = state;
  return event;
};

describe('the forward queue and its alarms', () => {
  it('are named after the stage, as the member template names them', () => {
    expect(forwardQueueName('prod')).toBe('secrets-remediator-prod-forward-undelivered');
    expect(forwardQueueAlarmNames('prod')).toEqual([ARRIVALS, OLDEST]);
  });

  it('refuse a stage the service does not deploy', () => {
    expect(() => forwardQueueName('prod/eu')).toThrow("stage 'prod/eu' may contain only letters, digits and hyphens");
  });
});

describe("Function: forwardQueueAlarmPattern (the hub's rule)", () => {
  const pattern = forwardQueueAlarmPattern('prod');

  it('matches either forward-queue alarm of any member going into ALARM', () => {
    expect(matchesPattern(pattern, alarmEvent(ARRIVALS))).toBe(true);
    expect(matchesPattern(pattern, alarmEvent(OLDEST, { account: '777788889999', region: 'ap-southeast-2' }))).toBe(true);
  });

  it("does not match CloudWatch's published event as it is: another alarm of the account", () => {
    const published = publishedAlarmEvent();

    expect([published.source, published['detail-type'], published.detail.state.value]).toEqual([ALARM_SOURCE, ALARM_DETAIL_TYPE, 'ALARM']);
    expect(matchesPattern(pattern, published)).toBe(false);
  });

  it.each([
    ['an alarm of another name forged by an account of the organisation', 'payments-db-cpu'],
    ['a name that only starts like the alarm', `${ARRIVALS}-copy`],
    ['a name that only ends like the alarm', `x-${ARRIVALS}`],
    ['the name in another case', ARRIVALS.toUpperCase()],
    ["another stage's alarm", 'secrets-remediator-dev-forward-undelivered-arrivals'],
  ])('does not match %s', (_label, name) => {
    expect(matchesPattern(pattern, alarmEvent(name))).toBe(false);
  });

  it.each(['OK', 'INSUFFICIENT_DATA'])('does not match the alarm going back to %s', (state) => {
    expect(matchesPattern(pattern, alarmEvent(ARRIVALS, MEMBER, state))).toBe(false);
  });

  it('does not match another event carrying the alarm name (another source or detail-type)', () => {
    expect(matchesPattern(pattern, { ...alarmEvent(ARRIVALS), source: 'aws.events' })).toBe(false);
    expect(matchesPattern(pattern, { ...alarmEvent(ARRIVALS), 'detail-type': 'CloudWatch Alarm Configuration Change' })).toBe(false);
  });
});

describe('Function: readForwardedLetter', () => {
  const policy = loadPolicy({ file: join(repoRoot, 'events/policy.yml'), stage: 'dev' });
  const matchers = forwardedRoutes(policy).map((route) => compilePattern(route.pattern));
  const context = {
    place: MEMBER,
    alarmNames: forwardQueueAlarmNames('dev'),
    forwardable: (event: unknown) => matchers.some((matches) => matches(event)),
  };
  /** EventBridge's attributes on a forward it gave up on. */
  const attributes = {
    RULE_ARN: 'arn:aws:events:eu-west-1:444455556666:rule/StackSet-secrets-remediator-dev-members-ForwardSecretsmanagerApiCallsRu-1A2B3C',
    TARGET_ARN: 'arn:aws:events:us-east-1:123456789012:event-bus/secrets-remediator-dev',
    ERROR_CODE: 'AccessDeniedException',
    ERROR_MESSAGE: 'User is not authorized to perform: events:PutEvents on resource: event-bus/secrets-remediator-dev',
    EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeExceeded',
  };
  const deleted = loadSampleEvent<{ id: string; source: string }>('secret-deleted/fires.DeleteSecret.authored.member-account.json');

  it('sends on an event of this member that a forwarding rule sends, with why EventBridge kept it', () => {
    expect(readForwardedLetter(JSON.stringify(deleted), attributes, context)).toStrictEqual({
      kind: 'forwarded',
      eventId: deleted.id,
      what: 'aws.secretsmanager AWS API Call via CloudTrail',
      error:
        'MaximumEventAgeExceeded: AccessDeniedException: User is not authorized to perform: events:PutEvents on resource: event-bus/secrets-remediator-dev',
      payload: JSON.stringify(deleted),
    });
  });

  it("recognises this member's own forward-queue alarm, kept because the hub did not take it either", () => {
    const alarm = alarmEvent('secrets-remediator-dev-forward-undelivered-arrivals');

    expect(readForwardedLetter(JSON.stringify(alarm), attributes, context)).toStrictEqual({
      kind: 'alarm',
      alarmName: 'secrets-remediator-dev-forward-undelivered-arrivals',
    });
  });

  it.each([
    ['a body that is not JSON', 'not json', 'the body is not JSON: not an event a forwarding rule sent; left for a person to look at'],
    [
      'JSON that is not an event',
      JSON.stringify({ detail: {} }),
      'not an EventBridge event (no source, detail-type, account or region): left for a person to look at',
    ],
    [
      'an event no forwarding rule sends (another source)',
      JSON.stringify({ ...deleted, source: 'aws.ec2' }),
      "aws.ec2 AWS API Call via CloudTrail: not an event the forwarding rules send (the policy's patterns for classify); left for a person to look at",
    ],
    [
      'another alarm of the member',
      JSON.stringify(alarmEvent('payments-db-cpu')),
      "aws.cloudwatch CloudWatch Alarm State Change: not an event the forwarding rules send (the policy's patterns for classify); left for a person to look at",
    ],
    [
      "another account's event",
      JSON.stringify({ ...deleted, account: '777788889999' }),
      "aws.secretsmanager AWS API Call via CloudTrail of 777788889999 in eu-west-1, not of this member (444455556666 in eu-west-1): a forwarding rule here sends only this account-region's events; left for a person to look at",
    ],
    [
      "another region's event",
      JSON.stringify({ ...deleted, region: 'us-east-1' }),
      "aws.secretsmanager AWS API Call via CloudTrail of 444455556666 in us-east-1, not of this member (444455556666 in eu-west-1): a forwarding rule here sends only this account-region's events; left for a person to look at",
    ],
  ])('leaves %s, saying why', (_label, body, problem) => {
    expect(readForwardedLetter(body, attributes, context)).toStrictEqual({ kind: 'unreadable', problem });
  });

  it('says no error was recorded when EventBridge wrote none', () => {
    expect(readForwardedLetter(JSON.stringify(deleted), {}, context)).toMatchObject({ kind: 'forwarded', error: 'no error recorded' });
  });
});
