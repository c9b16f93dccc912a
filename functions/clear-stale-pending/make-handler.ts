/**
 * clear-stale-pending: removes AWSPENDING left by a failed rotation (see
 * shared/actions/clear-stale-pending.ts). May only DescribeSecret, ListSecretVersionIds and
 * UpdateSecretVersionStage, use the ledger, and PutEvents the result.
 */
import { clearStalePendingAction } from '../../shared/actions/clear-stale-pending.js';
import { type ActionPorts, type ActionSettings, makeActionHandler } from '../../shared/handlers/action-handler.js';

export type { ActionOutcome as ClearStalePendingOutcome } from '../../shared/handlers/action-handler.js';

export const makeHandler = (ports: ActionPorts, settings: ActionSettings) => makeActionHandler(clearStalePendingAction, ports, settings);
