// @ts-check
'use strict';
/**
 * `${file(./deploy/variables/sweep-organisation.cjs):reservedConcurrency}`, `:listAccounts`,
 * `:assumeReadRoles` and `:readSecretCounts`: the sweep's reserved concurrency (1 for the single
 * account; the policy's organisation.sweepConcurrency in organisation mode, where its shards run
 * at once) and its statements for Organizations, the member read roles and the census's
 * CloudWatch secret counts (explicit Denies when the mode is off).
 * Computed by shared/actions/iam-statements.ts.
 */
const { fact } = require('../facts.cjs');

/** @param {import('../facts.cjs').VariableContext} context */
module.exports = async (context) => fact('sweep-organisation', context);
