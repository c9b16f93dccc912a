// Lambda entry: configuration and the AWS clients it needs, once per cold start. Logic: shared/handlers/sweep.ts.
import { awsSweepPorts } from '../../shared/adapters/aws-account.js';
import { loadConfig } from '../../shared/config.js';
import { makeHandler, organisationSweepOf } from '../../shared/handlers/sweep.js';

const config = loadConfig();
const { organisation, ...ports } = awsSweepPorts(config);
export const handler = makeHandler({ ...ports, organisationSweep: organisationSweepOf(config, organisation) }, config);
