// Lambda entry: configuration and the AWS client it needs, once per cold start. Logic: make-handler.ts.
import { awsBus } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { makeHandler } from './make-handler.js';

export const handler = makeHandler({ bus: awsBus(loadConfig().eventBusName) });
