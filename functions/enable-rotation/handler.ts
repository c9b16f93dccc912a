// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/actions/enable-rotation.ts, run by shared/handlers/action-handler.ts.
import { enableRotationAction } from '../../shared/actions/enable-rotation.js';
import { awsActionPorts } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { makeActionHandler } from '../../shared/handlers/action-handler.js';

const config = loadConfig();
export const handler = makeActionHandler(enableRotationAction, awsActionPorts(config, { compliance: true }), config);
