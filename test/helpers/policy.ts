/** The policy of the sample world (events/policy.yml), as the replay and the tests classify by it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClassifyContext } from '../../shared/domain/classify.js';
import { loadPolicy } from '../../shared/policy/load-policy.js';
import { packagedPolicy } from '../../shared/policy/load-packaged-policy.js';
import { eventsDir, repoRoot } from './events.js';

export const samplePolicy = loadPolicy({ file: join(eventsDir, 'policy.yml'), stage: 'dev' });

export const classifyContext: ClassifyContext = { policy: samplePolicy };

/** policy.json of the shipped policy.yml for a stage, as packaging writes it for the functions. */
export const packagedPolicyFile = (stage = 'dev'): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'packaged-policy-')), 'policy.json');
  writeFileSync(file, JSON.stringify(packagedPolicy(loadPolicy({ file: join(repoRoot, 'policy.yml'), stage }), stage)));
  return file;
};
