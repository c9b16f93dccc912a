/**
 * Security Hub in: "Security Hub Findings - Imported" events as classify takes them. The event
 * contract holds to Security Hub's published control finding (the AWS user guide's sample, in
 * the event envelope the guide documents); failed SecretsManager.1-4 control findings become
 * findings of the matching rules, once per Security Hub finding and day; the findings this
 * service imports itself, closed findings and other accounts' are never triggers.
 */
import { describe, expect, it } from 'vitest';
import { parseClassifiableEvent, parseClassifiableEvents } from '../../shared/contracts/cloudtrail-event.js';
import { securityHubFindingsEventSchema } from '../../shared/contracts/securityhub-event.js';
import { classify } from '../../shared/domain/classify.js';
import { InvalidEventError } from '../../shared/errors.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { makeHandler as makeClassify } from '../../shared/handlers/classify.js';
import { compilePattern } from '../../shared/rules/match-pattern.js';
import { securityHubRoute } from '../../shared/rules/routes.js';
import { toAsff } from '../../shared/securityhub/asff.js';
import { findingForRule } from '../alerts/findings.js';
import { loadPublishedFixture, loadSampleEvent } from '../helpers/events.js';
import { classifyContext } from '../helpers/policy.js';
import { defaultSandbox } from '../helpers/sandbox.js';

const SAMPLE = 'rotation-missing/fires.SecurityHub.authored.SecretsManager.1.json';
type Event = { account: string; detail: { findings: Record<string, unknown>[] } } & Record<string, unknown>;

/** The envelope the Security Hub user guide documents for "Security Hub Findings - Imported", around `finding`. */
const inEnvelope = (finding: Record<string, unknown>, account = '123456789012'): Event => ({
  version: '0',
  id: 'CWE-event-id',
  'detail-type': 'Security Hub Findings - Imported',
  source: 'aws.securityhub',
  account,
  time: '2019-04-11T21:52:17Z',
  region: 'us-west-2',
  resources: ['arn:aws:securityhub:us-west-2::product/aws/securityhub/finding'],
  detail: { findings: [finding] },
});

const sample = (): Event => loadSampleEvent<Event>(SAMPLE);
const withFinding = (change: (finding: Record<string, unknown>) => Record<string, unknown>): Event => {
  const event = structuredClone(sample());
  event.detail.findings = event.detail.findings.map(change);
  return event;
};
const matches = compilePattern(securityHubRoute.pattern);

describe('Security Hub in: the event', () => {
  it("parses Security Hub's published control finding in its documented envelope", () => {
    const published = loadPublishedFixture('CloudTrail.2.asff-control-finding.awsdocs.json');
    const event = securityHubFindingsEventSchema().parse(inEnvelope(published));
    expect(event.detail.findings[0]).toMatchObject({
      GeneratorId: 'aws-foundational-security-best-practices/v/1.0.0/CloudTrail.2',
      Compliance: { SecurityControlId: 'CloudTrail.2', Status: 'FAILED' },
    });
  });

  it("routes a failed SecretsManager.1-4 control finding of Security Hub's own, and not another control's", () => {
    expect(matches(sample())).toBe(true);
    for (const control of ['SecretsManager.2', 'SecretsManager.3', 'SecretsManager.4']) {
      expect(matches(withFinding((f) => ({ ...f, Compliance: { Status: 'FAILED', SecurityControlId: control } }))), control).toBe(true);
    }
    expect(matches(inEnvelope(loadPublishedFixture('CloudTrail.2.asff-control-finding.awsdocs.json')))).toBe(false);
    expect(matches(withFinding((f) => ({ ...f, Compliance: { Status: 'PASSED', SecurityControlId: 'SecretsManager.1' } })))).toBe(false);
    expect(matches(withFinding((f) => ({ ...f, RecordState: 'ARCHIVED' })))).toBe(false);
    expect(matches(withFinding((f) => ({ ...f, Workflow: { Status: 'SUPPRESSED' } })))).toBe(false);
    expect(matches(withFinding((f) => ({ ...f, Workflow: { Status: 'NOTIFIED' } })))).toBe(true);
  });

  it('never routes what this service imported itself: its own ASFF, as Security Hub sends it back', () => {
    const finding = findingForRule('rotation-missing');
    const own = toAsff(finding, undefined, { now: new Date('2026-11-25T12:00:00Z') });
    expect(matches(inEnvelope(own as unknown as Record<string, unknown>))).toBe(false);
  });
});

describe('Security Hub in: classify', () => {
  it('raises rotation-missing (enable-rotation) for SecretsManager.1, about the secret the finding names', () => {
    const result = classify(parseClassifiableEvent(sample()), classifyContext);
    expect(result).toMatchObject({
      kind: 'findings',
      findings: [
        {
          rule: 'rotation-missing',
          control: 'SecretsManager.1',
          actions: ['enable-rotation'],
          secret: {
            arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dev/tools/ci-token-Dv1Tok',
            account: '123456789012',
            region: 'us-east-1',
          },
          actor: { kind: 'aws-service', principal: 'securityhub.amazonaws.com' },
          evidence: { managedRule: 'secretsmanager-rotation-enabled-check' },
        },
      ],
    });
  });

  it.each([
    ['SecretsManager.2', 'rotation-overdue'],
    ['SecretsManager.3', 'unused'],
    ['SecretsManager.4', 'rotation-overdue'],
  ])('raises for %s the rule %s, with that control', (control, rule) => {
    const event = withFinding((f) => ({ ...f, Compliance: { Status: 'FAILED', SecurityControlId: control } }));
    const result = classify(parseClassifiableEvent(event), classifyContext);
    expect(result).toMatchObject({ kind: 'findings', findings: [{ rule, control }] });
  });

  it('gives every update of one Security Hub finding on one day the same finding id (one action, one alert)', () => {
    const first = classify(parseClassifiableEvent(sample()), classifyContext);
    const update = withFinding((f) => ({ ...f, UpdatedAt: '2026-11-24T18:00:00.000Z' }));
    const again = classify(parseClassifiableEvent({ ...update, id: 'another-event-id' }), classifyContext);
    const ids = [first, again].map((r) => (r.kind === 'findings' ? r.findings[0]?.id : undefined));
    expect(ids[0]).toBeDefined();
    expect(ids[1]).toBe(ids[0]);
  });

  it('ignores a finding this service imported itself, even delivered past the pattern (no loop)', () => {
    const own = loadSampleEvent('rotation-missing/silent.SecurityHub.authored.imported-by-this-service.json');
    expect(classify(parseClassifiableEvent(own), classifyContext)).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining('imported by this service itself'),
    });
  });

  it('raises nothing for a finding that is resolved, passed or archived', () => {
    for (const change of [
      { Workflow: { Status: 'RESOLVED' } },
      { Compliance: { Status: 'PASSED', SecurityControlId: 'SecretsManager.1' } },
      { RecordState: 'ARCHIVED' },
    ]) {
      const result = classify(parseClassifiableEvent(withFinding((f) => ({ ...f, ...change }))), classifyContext);
      expect(result.kind, JSON.stringify(change)).toBe('no-finding');
    }
  });

  it("ignores another account's finding sent by an administrator account's Security Hub: with one account, only its own", () => {
    const member = withFinding((f) => ({ ...f, AwsAccountId: '444455556666' }));
    expect(classify(parseClassifiableEvent(member), { ...classifyContext, account: '123456789012' })).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining('444455556666'),
    });
  });

  it('classifies each finding of an event that carries several, and refuses such an event as one record', async () => {
    const two = structuredClone(sample());
    const [first] = two.detail.findings;
    two.detail.findings.push({
      ...first,
      Id: `${String(first?.Id)}-2`,
      Compliance: { Status: 'FAILED', SecurityControlId: 'SecretsManager.3' },
    });
    expect(parseClassifiableEvents(two)).toHaveLength(2);
    expect(() => parseClassifiableEvent(two)).toThrow(InvalidEventError);

    const account = defaultSandbox();
    const outcome = await makeClassify(account, classifyContext)(two, localContext('classify'));

    expect(outcome).toMatchObject({ status: 'published' });
    expect(account.bus.published.map((e) => (e.detail as { rule: string }).rule).sort()).toEqual(['rotation-missing', 'unused']);
  });
});
