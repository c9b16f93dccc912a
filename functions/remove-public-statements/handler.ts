// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/actions/remove-public-statements.ts, run by shared/handlers/action-handler.ts.
import { removePublicStatementsAction } from '../../shared/actions/remove-public-statements.js';
import { awsBus, awsLedger, awsMemberPorts, awsSecrets } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { makeActionHandler } from '../../shared/handlers/action-handler.js';
import { systemClock } from '../../shared/ports/clock.js';

const config = loadConfig();
export const handler = makeActionHandler(
  removePublicStatementsAction,
  {
    ...awsMemberPorts(config.policy),
    secrets: awsSecrets(),
    bus: awsBus(config.eventBusName),
    ledger: awsLedger(config.ledgerTableName),
    clock: systemClock,
  },
  { policy: config.policy, mode: config.mode, stage: config.stage },
);
