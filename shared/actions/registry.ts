/**
 * The actions that have a function of their own, by type. An action planned by a rule but not
 * here is reported as "not deployed yet" (shared/domain/actions.ts says which). Meta-tests hold
 * each function's IAM in serverless.yml to its definition's permissions.
 */
import type { ActionType } from '../contracts/finding.js';
import { clearStalePendingAction } from './clear-stale-pending.js';
import type { ActionDefinition } from './types.js';

export const actionDefinitions: Partial<Readonly<Record<ActionType, ActionDefinition>>> = {
  'clear-stale-pending': clearStalePendingAction,
};
