// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/actions/restore-secret.ts, run by shared/handlers/action-handler.ts.
import { restoreSecretAction } from '../../shared/actions/restore-secret.js';
import { awsActionPorts } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { makeActionHandler } from '../../shared/handlers/action-handler.js';

const config = loadConfig();
export const handler = makeActionHandler(restoreSecretAction, awsActionPorts(config, { history: true }), config);
