/**
 * The Lambda entry functions/remove-public-statements/handler.ts: its cold start (settings from
 * the environment, the packaged policy, the AWS clients). What it runs is tested in test/actions/
 * and test/handlers/action-handler.test.ts.
 */
import { describe } from 'vitest';
import { itStartsColdLikeEveryFunction } from '../helpers/entry-point.js';

const load = () => import('../../functions/remove-public-statements/handler.js');

describe('Lambda entry: remove-public-statements', () => {
  itStartsColdLikeEveryFunction(load);
});
