// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/handlers/alert.ts.
import { alertAccount, awsSecurityHubFor } from '../../shared/adapters/aws-account.js';
import { digestTableFor, loadConfig } from '../../shared/config.js';
import { makeHandler } from '../../shared/handlers/alert.js';

const config = loadConfig();
const { alerts, securityHub, organisation } = config.policy;
const ports = alertAccount({ ...config, digestTableName: digestTableFor(config), alerts });
export const handler = makeHandler(securityHub.enabled ? { ...ports, securityHubFor: awsSecurityHubFor() } : ports, {
  alerts,
  securityHub,
  organisation: organisation.enabled,
});
