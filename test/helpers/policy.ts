/** The policy of the sample world (events/policy.yml), as the replay and the tests classify by it. */
import { join } from 'node:path';
import type { ClassifyContext } from '../../shared/domain/classify.js';
import { loadPolicy } from '../../shared/policy/load-policy.js';
import { eventsDir } from './events.js';

export const samplePolicy = loadPolicy({ file: join(eventsDir, 'policy.yml'), stage: 'dev' });

export const SERVICE_ROLE_PREFIX = 'secrets-remediator-dev-';

export const classifyContext: ClassifyContext = { policy: samplePolicy, serviceRolePrefix: SERVICE_ROLE_PREFIX };
