// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/actions/enable-rotation.ts, run by shared/handlers/action-handler.ts.
import { enableRotationAction } from '../../shared/actions/enable-rotation.js';
import { awsBus, awsCompliance, awsLedger, awsMemberPorts, awsSecrets } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { makeActionHandler } from '../../shared/handlers/action-handler.js';
import { systemClock } from '../../shared/ports/clock.js';

const config = loadConfig();
export const handler = makeActionHandler(
  enableRotationAction,
  {
    ...awsMemberPorts(config.policy),
    secrets: awsSecrets(),
    bus: awsBus(config.eventBusName),
    ledger: awsLedger(config.ledgerTableName),
    compliance: awsCompliance(),
    clock: systemClock,
  },
  { policy: config.policy, mode: config.mode, stage: config.stage },
);
