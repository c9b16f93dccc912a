import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, locationFrom } from '../shared/config.js';
import { PolicyError } from '../shared/policy/errors.js';
import { loadPolicy } from '../shared/policy/load-policy.js';
import { repoRoot } from './helpers/events.js';
import { packagedPolicyFile } from './helpers/policy.js';
import { ConfigError } from '../shared/errors.js';

const valid = {
  EVENT_BUS_NAME: 'secrets-remediator-dev',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:secrets-remediator-dev-alerts',
  STAGE: 'dev',
  LEDGER_TABLE_NAME: 'secrets-remediator-dev-ledger',
  POLICY_FILE: packagedPolicyFile(),
};

describe('Function: loadConfig', () => {
  it('reads the environment and the packaged policy, which is dry-run: the safe mode for a first deploy', () => {
    const config = loadConfig(valid);

    expect(config).toMatchObject({
      mode: 'dry-run',
      eventBusName: valid.EVENT_BUS_NAME,
      alertTopicArn: valid.ALERT_TOPIC_ARN,
      stage: 'dev',
    });
    expect(config.policy.mode).toBe('dry-run');
  });

  it('fails the cold start when the policy file is missing, naming it', () => {
    const env = { ...valid, POLICY_FILE: join(repoRoot, 'no-such-policy.yml') };

    expect(() => loadConfig(env)).toThrow(PolicyError);
    expect(() => loadConfig(env)).toThrow(/no-such-policy\.yml.*policy file not found/);
  });

  it('fails the cold start on a packaged policy that is not valid JSON, naming the file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bad-policy-')), 'policy.json');
    writeFileSync(file, 'mode: enforce');

    expect(() => loadConfig({ ...valid, POLICY_FILE: file })).toThrow(/policy\.json \(stage dev\): invalid policy: not valid JSON/);
  });

  it('refuses a policy.json packaging did not write (a bare policy document), saying to package again', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bad-policy-')), 'policy.json');
    writeFileSync(file, JSON.stringify({ mode: 'enforcing' }));

    expect(() => loadConfig({ ...valid, POLICY_FILE: file })).toThrow(PolicyError);
    expect(() => loadConfig({ ...valid, POLICY_FILE: file })).toThrow(
      /policy\.json \(stage dev\): invalid policy: not a policy packaging wrote.*package again/,
    );
  });

  it('refuses a packaged policy edited after packaging validated it (its digest no longer matches)', () => {
    const packaged = JSON.parse(readFileSync(packagedPolicyFile(), 'utf8')) as { policy: { mode: string } };
    packaged.policy.mode = 'enforce';
    const file = join(mkdtempSync(join(tmpdir(), 'edited-policy-')), 'policy.json');
    writeFileSync(file, JSON.stringify(packaged));

    expect(() => loadConfig({ ...valid, POLICY_FILE: file })).toThrow(
      /changed since packaging validated it.*edit policy\.yml, not policy\.json/,
    );
  });

  it('refuses a policy packaged for another stage, naming both', () => {
    expect(() => loadConfig({ ...valid, POLICY_FILE: packagedPolicyFile('prod') })).toThrow(/packaged for stage prod, not dev/);
  });

  it('reads the policy as packaging resolved it for its stage', () => {
    const stage = 'prod';
    const config = loadConfig({ ...valid, STAGE: stage, POLICY_FILE: packagedPolicyFile(stage) });

    expect(config.policy).toEqual(loadPolicy({ file: join(repoRoot, 'policy.yml'), stage }));
  });

  it.each([
    ['a missing bus name', { ...valid, EVENT_BUS_NAME: undefined }, /EVENT_BUS_NAME: missing/],
    ['a topic that is not an SNS ARN', { ...valid, ALERT_TOPIC_ARN: 'alerts' }, /ALERT_TOPIC_ARN: expected an SNS topic ARN/],
    ['a missing stage', { ...valid, STAGE: '' }, /STAGE: missing/],
  ])('fails on %s, naming the variable', (_label, env, message) => {
    expect(() => locationFrom(env)).toThrow(ConfigError);
    expect(() => locationFrom(env)).toThrow(message);
  });
});
