// Lambda entry: configuration and AWS clients, once per cold start. Logic is in make-handler.ts.
import { awsAccount } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { makeHandler } from './make-handler.js';

const config = loadConfig();
export const handler = makeHandler(awsAccount(config), config.mode);
