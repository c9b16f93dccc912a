// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/handlers/alert.ts.
import { alertAccount } from '../../shared/adapters/aws-account.js';
import { digestTableFor, loadConfig } from '../../shared/config.js';
import { makeHandler } from '../../shared/handlers/alert.js';

const config = loadConfig();
const { alerts } = config.policy;
export const handler = makeHandler(alertAccount({ ...config, digestTableName: digestTableFor(config), alerts }), { alerts });
