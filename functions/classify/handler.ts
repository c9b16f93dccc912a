// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/handlers/classify.ts.
import { awsBus, awsLedger, awsMemberPorts, awsSecrets } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { systemClock } from '../../shared/ports/clock.js';
import { makeHandler } from '../../shared/handlers/classify.js';

const config = loadConfig();
export const handler = makeHandler(
  {
    ...awsMemberPorts(config.policy),
    bus: awsBus(config.eventBusName),
    secrets: awsSecrets(),
    ledger: awsLedger(config.ledgerTableName),
    clock: systemClock,
  },
  { policy: config.policy, stage: config.stage },
);
