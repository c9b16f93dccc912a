// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/handlers/classify.ts.
import { awsClassifyPorts } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { makeHandler } from '../../shared/handlers/classify.js';

const config = loadConfig();
export const handler = makeHandler(awsClassifyPorts(config), config);
