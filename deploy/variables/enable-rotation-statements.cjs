// @ts-check
'use strict';
/**
 * `${file(./deploy/variables/enable-rotation-statements.cjs):rotate}` and `:invoke`: the enable-rotation
 * role may call RotateSecret naming only a rotation function the stage's policy maps (or none:
 * managed rotation), and invoke only those functions (RotateSecret needs lambda:InvokeFunction on
 * the function). With none mapped, an explicit Deny says so: the function can still turn on
 * managed rotation for secrets another service owns, and refuses the rest with what to map.
 * Computed by shared/actions/iam-statements.ts.
 */
const { fact } = require('../facts.cjs');

/** @param {import('../facts.cjs').VariableContext} context */
module.exports = async (context) => fact('rotation-statements', context);
