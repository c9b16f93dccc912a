/**
 * The actions that have a function of their own, by type. A meta-test holds each function's IAM
 * in serverless.yml to its definition's permissions, and every planned action to this table.
 */
import type { ActionType } from '../contracts/finding.js';
import { clearStalePendingAction } from './clear-stale-pending.js';
import { enableRotationAction } from './enable-rotation.js';
import { removePublicStatementsAction } from './remove-public-statements.js';
import { restoreSecretAction } from './restore-secret.js';
import type { ActionDefinition } from './types.js';

export const actionDefinitions: Readonly<Record<ActionType, ActionDefinition>> = {
  'clear-stale-pending': clearStalePendingAction,
  'enable-rotation': enableRotationAction,
  'restore-secret': restoreSecretAction,
  'remove-public-statements': removePublicStatementsAction,
};
