import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { ConfigError } from '../../shared/errors.js';

const valid = { EVENT_BUS_NAME: 'secrets-remediator-dev', ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:secrets-remediator-dev-alerts' };

describe('Function: loadConfig', () => {
  it('defaults to dry-run, the safe mode for a first deploy', () => {
    expect(loadConfig(valid)).toEqual({ mode: 'dry-run', eventBusName: valid.EVENT_BUS_NAME, alertTopicArn: valid.ALERT_TOPIC_ARN });
  });

  it('takes enforce when asked', () => {
    expect(loadConfig({ ...valid, REMEDIATION_MODE: 'enforce' }).mode).toBe('enforce');
  });

  it.each([
    ['a missing bus name', { ALERT_TOPIC_ARN: valid.ALERT_TOPIC_ARN }, /EVENT_BUS_NAME: missing/],
    ['a topic that is not an SNS ARN', { ...valid, ALERT_TOPIC_ARN: 'alerts' }, /ALERT_TOPIC_ARN: expected an SNS topic ARN/],
    ['an unknown mode', { ...valid, REMEDIATION_MODE: 'yolo' }, /REMEDIATION_MODE: /],
  ])('fails on %s, naming the variable', (_label, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
