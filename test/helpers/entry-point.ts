/**
 * What every Lambda entry (functions/<name>/handler.ts) must do at its cold start: read its
 * settings from the environment and the packaged policy, failing with the missing one named,
 * and export a handler. Each entry's own test runs these inside its describe, with its own cases.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { ConfigError } from '../../shared/errors.js';
import { packagedPolicyFile } from './policy.js';

/** The environment the stack gives every function of stage `test`. */
export const stubDeployedEnvironment = (): void => {
  vi.stubEnv('EVENT_BUS_NAME', 'secrets-remediator-test');
  vi.stubEnv('ALERT_TOPIC_ARN', 'arn:aws:sns:us-east-1:123456789012:secrets-remediator-test-alerts');
  vi.stubEnv('STAGE', 'test');
  vi.stubEnv('LEDGER_TABLE_NAME', 'secrets-remediator-test-ledger');
  vi.stubEnv('DIGEST_TABLE_NAME', 'secrets-remediator-test-digest');
  vi.stubEnv('POLICY_FILE', packagedPolicyFile('test'));
};

/**
 * A fresh load of the entry module: `load` must be a static `import('…/handler.js')` (the test
 * runner resolves only static import paths), and each test gets a new module graph.
 */
export type LoadEntry = () => Promise<{ readonly handler: unknown }>;

/** Registers the cold-start cases every entry shares, in the caller's describe. */
export const itStartsColdLikeEveryFunction = (load: LoadEntry): void => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('fails its cold start with the missing setting named', async () => {
    vi.stubEnv('EVENT_BUS_NAME', undefined);
    vi.stubEnv('ALERT_TOPIC_ARN', undefined);

    const loaded = load();

    // A fresh module graph has its own ConfigError class: compare by name.
    await expect(loaded).rejects.toMatchObject({
      name: ConfigError.name,
      message: expect.stringMatching(/(EVENT_BUS_NAME|ALERT_TOPIC_ARN): missing/),
    });
  });

  it('loads with its settings and the shipped policy, and exports a handler', async () => {
    stubDeployedEnvironment();

    const module = await load();

    expect(typeof module.handler).toBe('function');
  });
};
