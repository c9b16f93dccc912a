// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/actions/remove-public-statements.ts, run by shared/handlers/action-handler.ts.
import { removePublicStatementsAction } from '../../shared/actions/remove-public-statements.js';
import { awsActionPorts } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { makeActionHandler } from '../../shared/handlers/action-handler.js';

const config = loadConfig();
export const handler = makeActionHandler(removePublicStatementsAction, awsActionPorts(config), config);
