// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: make-handler.ts.
import { awsLedger, awsNotifier } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { systemClock } from '../../shared/ports/clock.js';
import { makeHandler } from './make-handler.js';

const config = loadConfig();
export const handler = makeHandler({ notifier: awsNotifier(config.alertTopicArn), ledger: awsLedger(config.ledgerTableName), clock: systemClock });
