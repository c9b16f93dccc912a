// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/actions/clear-stale-pending.ts, run by shared/handlers/action-handler.ts.
import { clearStalePendingAction } from '../../shared/actions/clear-stale-pending.js';
import { awsActionPorts } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { makeActionHandler } from '../../shared/handlers/action-handler.js';

const config = loadConfig();
export const handler = makeActionHandler(clearStalePendingAction, awsActionPorts(config), config);
