// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: make-handler.ts.
import { awsBus, awsLedger, awsNotifier, awsSweepReads } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { systemClock } from '../../shared/ports/clock.js';
import { makeHandler } from './make-handler.js';

const config = loadConfig();
export const handler = makeHandler(
  {
    secrets: awsSweepReads(),
    bus: awsBus(config.eventBusName),
    notifier: awsNotifier(config.alertTopicArn),
    ledger: awsLedger(config.ledgerTableName),
    clock: systemClock,
  },
  { policy: config.policy },
);
