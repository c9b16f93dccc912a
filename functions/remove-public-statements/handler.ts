// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: make-handler.ts.
import { awsBus, awsCompliance, awsLedger, awsSecrets } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { systemClock } from '../../shared/ports/clock.js';
import { makeHandler } from './make-handler.js';

const config = loadConfig();
export const handler = makeHandler(
  { secrets: awsSecrets(), bus: awsBus(config.eventBusName), ledger: awsLedger(config.ledgerTableName), compliance: awsCompliance(), clock: systemClock },
  { policy: config.policy, mode: config.mode },
);
