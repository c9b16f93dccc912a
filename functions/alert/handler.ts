// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/handlers/alert.ts.
import { alertAccount, awsMemberSecurityHubFor, awsSecurityHubFor } from '../../shared/adapters/aws-alert-account.js';
import { digestTableFor, loadConfig } from '../../shared/config.js';
import { memberTarget } from '../../shared/domain/organisation-scope.js';
import { makeHandler } from '../../shared/handlers/alert.js';

const config = loadConfig();
const { alerts, securityHub, organisation } = config.policy;
const ports = alertAccount({ ...config, digestTableName: digestTableFor(config), alerts });
// In organisation mode a member's findings go into its own Security Hub through its read role.
const readRole = (place: { account: string; region: string }, hub: { account: string; region: string }) =>
  memberTarget({ organisation, stage: config.stage, hub, place, role: 'read', session: 'secrets-remediator-alert-securityhub' });
const securityHubFor = organisation.enabled ? awsMemberSecurityHubFor(readRole) : awsSecurityHubFor();
export const handler = makeHandler(securityHub.enabled ? { ...ports, securityHubFor } : ports, {
  alerts,
  securityHub,
  organisation: organisation.enabled,
});
