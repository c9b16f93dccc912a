// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/handlers/alert.ts.
import { alertAccount, awsAlertSecurityHub } from '../../shared/adapters/aws-alert-account.js';
import { digestTableFor, loadConfig } from '../../shared/config.js';
import { alertSettingsOf, makeHandler, securityHubReadRole } from '../../shared/handlers/alert.js';

const config = loadConfig();
const { policy } = config;
const ports = alertAccount({ ...config, digestTableName: digestTableFor(config), alerts: policy.alerts });
const securityHubFor = awsAlertSecurityHub(policy, securityHubReadRole(policy, config.stage));
export const handler = makeHandler(securityHubFor ? { ...ports, securityHubFor } : ports, alertSettingsOf(policy));
