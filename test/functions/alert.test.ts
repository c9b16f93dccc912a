/**
 * The Lambda entry functions/alert/handler.ts: its cold start (settings from the environment, the
 * packaged policy, the AWS clients). What it runs is tested in test/handlers/alert.test.ts and
 * test/alerts/alert-use-case.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../shared/errors.js';
import { itStartsColdLikeEveryFunction, stubDeployedEnvironment } from '../helpers/entry-point.js';

const load = () => import('../../functions/alert/handler.js');

describe('Lambda entry: alert', () => {
  itStartsColdLikeEveryFunction(load);

  it('fails its cold start, naming DIGEST_TABLE_NAME, when the policy holds storms for digests and the table is not set', async () => {
    stubDeployedEnvironment();
    vi.stubEnv('DIGEST_TABLE_NAME', undefined);

    const loaded = load();

    await expect(loaded).rejects.toMatchObject({ name: ConfigError.name, message: expect.stringMatching(/DIGEST_TABLE_NAME: missing/) });
  });
});
