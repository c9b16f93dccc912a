// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: make-handler.ts.
import { awsBus, awsNotifier, awsSecrets } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { systemClock } from '../../shared/ports/clock.js';
import { makeHandler } from './make-handler.js';

const config = loadConfig();
export const handler = makeHandler(
  { secrets: awsSecrets(), bus: awsBus(config.eventBusName), notifier: awsNotifier(config.alertTopicArn), clock: systemClock },
  { policy: config.policy },
);
