// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/actions/restore-secret.ts, run by shared/handlers/action-handler.ts.
import { restoreSecretAction } from '../../shared/actions/restore-secret.js';
import { awsBus, awsCloudTrailHistory, awsLedger, awsMemberPorts, awsSecrets } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { makeActionHandler } from '../../shared/handlers/action-handler.js';
import { systemClock } from '../../shared/ports/clock.js';

const config = loadConfig();
export const handler = makeActionHandler(
  restoreSecretAction,
  {
    ...awsMemberPorts(config.policy),
    secrets: awsSecrets(),
    bus: awsBus(config.eventBusName),
    ledger: awsLedger(config.ledgerTableName),
    history: awsCloudTrailHistory(),
    clock: systemClock,
  },
  { policy: config.policy, mode: config.mode, stage: config.stage },
);
