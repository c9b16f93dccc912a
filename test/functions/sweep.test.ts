/**
 * The Lambda entry functions/sweep/handler.ts: its cold start (settings from the environment, the
 * packaged policy, the AWS clients). What it runs is tested in test/sweep/sweep-use-
 * case[.organisation].test.ts.
 */
import { describe } from 'vitest';
import { itStartsColdLikeEveryFunction } from '../helpers/entry-point.js';

const load = () => import('../../functions/sweep/handler.js');

describe('Lambda entry: sweep', () => {
  itStartsColdLikeEveryFunction(load);
});
