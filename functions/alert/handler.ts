// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: make-handler.ts.
import { alertAccount } from '../../shared/adapters/aws-account.js';
import { digestTableFor, loadConfig } from '../../shared/config.js';
import { makeHandler } from './make-handler.js';

const config = loadConfig();
const { alerts } = config.policy;
export const handler = makeHandler(alertAccount({ ...config, digestTableName: digestTableFor(config), alerts }), { alerts });
