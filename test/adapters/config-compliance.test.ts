/** CompliancePort over AWS Config: one StartConfigRulesEvaluation per rule, an unknown rule left out. */
import {
  ConfigServiceClient,
  InsufficientPermissionsException,
  NoSuchConfigRuleException,
  StartConfigRulesEvaluationCommand,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { configCompliance } from '../../shared/adapters/config-compliance.js';
import '../helpers/aws-matchers.js';
import { settle } from '../helpers/settle.js';

const config = mockClient(ConfigServiceClient);
const port = configCompliance(new ConfigServiceClient({ region: 'us-east-1', maxAttempts: 1 }));

beforeEach(() => {
  config.reset();
});

afterAll(() => {
  config.restore();
});

describe('Function: configCompliance', () => {
  it('starts an evaluation of each rule in its own call, and answers the rules started', async () => {
    // Prepare
    config.on(StartConfigRulesEvaluationCommand).resolves({});

    // Act
    const started = await port.reevaluate(['secretsmanager-rotation-enabled-check', 'secretsmanager-secret-periodic-rotation']);

    // Assess
    expect(started).toStrictEqual(['secretsmanager-rotation-enabled-check', 'secretsmanager-secret-periodic-rotation']);
    expect(config.commandCalls(StartConfigRulesEvaluationCommand).map((call) => call.args[0].input)).toStrictEqual([
      { ConfigRuleNames: ['secretsmanager-rotation-enabled-check'] },
      { ConfigRuleNames: ['secretsmanager-secret-periodic-rotation'] },
    ]);
  });

  it('leaves out a rule the account does not run, and still starts the others', async () => {
    // Prepare
    config
      .on(StartConfigRulesEvaluationCommand, { ConfigRuleNames: ['secretsmanager-using-cmk'] })
      .rejects(new NoSuchConfigRuleException({ message: 'The ConfigRule provided in the request is invalid.', $metadata: {} }))
      .on(StartConfigRulesEvaluationCommand, { ConfigRuleNames: ['secretsmanager-rotation-enabled-check'] })
      .resolves({});

    // Act
    const started = await port.reevaluate(['secretsmanager-using-cmk', 'secretsmanager-rotation-enabled-check']);

    // Assess
    expect(started).toStrictEqual(['secretsmanager-rotation-enabled-check']);
    expect(config).toHaveReceivedCommandTimes(StartConfigRulesEvaluationCommand, 2);
  });

  it('makes no call for no rules', async () => {
    // Act
    const started = await port.reevaluate([]);

    // Assess
    expect(started).toStrictEqual([]);
    expect(config).not.toHaveReceivedAnyCommand();
  });

  it('fails on any other error, unchanged when the mapping does not know it', async () => {
    // Prepare
    const refused = new InsufficientPermissionsException({ message: 'no', $metadata: {} });
    config.on(StartConfigRulesEvaluationCommand).rejects(refused);

    // Act
    const outcome = await settle(port.reevaluate(['secretsmanager-rotation-enabled-check']));

    // Assess
    expect(outcome.error).toBe(refused);
  });
});
