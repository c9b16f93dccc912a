// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/handlers/sweep.ts.
import { awsBus, awsLedger, awsNotifier, awsSweepReads } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { systemClock } from '../../shared/ports/clock.js';
import { makeHandler } from '../../shared/handlers/sweep.js';

const config = loadConfig();
const ports = { secrets: awsSweepReads(), bus: awsBus(config.eventBusName), notifier: awsNotifier(config.alertTopicArn) };
export const handler = makeHandler({ ...ports, ledger: awsLedger(config.ledgerTableName), clock: systemClock }, { policy: config.policy });
