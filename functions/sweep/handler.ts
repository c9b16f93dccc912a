// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/handlers/sweep.ts.
import {
  awsBus,
  awsLedger,
  awsMemberSweepReads,
  awsNotifier,
  awsOrganisationAccounts,
  awsSweepReads,
} from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { systemClock } from '../../shared/ports/clock.js';
import { makeHandler } from '../../shared/handlers/sweep.js';
import { sweepReadsThroughMembers } from '../../shared/sweep/coordinator-shards.js';

const { policy, stage, ...config } = loadConfig();
const organisationSweep = {
  accounts: awsOrganisationAccounts(),
  readsFor: sweepReadsThroughMembers(policy.organisation, stage, awsMemberSweepReads()),
};
const ports = {
  secrets: awsSweepReads(),
  bus: awsBus(config.eventBusName),
  notifier: awsNotifier(config.alertTopicArn),
  organisationSweep,
};
export const handler = makeHandler({ ...ports, ledger: awsLedger(config.ledgerTableName), clock: systemClock }, { policy });
