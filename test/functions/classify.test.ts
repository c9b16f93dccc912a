/**
 * The Lambda entry functions/classify/handler.ts: its cold start (settings from the environment,
 * the packaged policy, the AWS clients). What it runs is tested in test/handlers/classify.test.ts.
 */
import { describe } from 'vitest';
import { itStartsColdLikeEveryFunction } from '../helpers/entry-point.js';

const load = () => import('../../functions/classify/handler.js');

describe('Lambda entry: classify', () => {
  itStartsColdLikeEveryFunction(load);
});
