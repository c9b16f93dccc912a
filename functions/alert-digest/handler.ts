// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/handlers/alert-digest.ts.
import { alertAccount } from '../../shared/adapters/aws-alert-account.js';
import { digestTableFor, loadConfig } from '../../shared/config.js';
import { ConfigError } from '../../shared/errors.js';
import { makeHandler } from '../../shared/handlers/alert-digest.js';

const config = loadConfig();
const { alerts } = config.policy;
const { digest, ...ports } = alertAccount({ ...config, digestTableName: digestTableFor(config), alerts });
// With digests off there is nothing to flush; deployed anyway, so turning them on needs no new function.
if (!digest) throw new ConfigError('invalid environment: DIGEST_TABLE_NAME: missing (alert-digest reads the digest table)');
export const handler = makeHandler({ ...ports, digest }, { alerts });
