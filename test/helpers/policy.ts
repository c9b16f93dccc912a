/** The policy of the sample world (events/policy.yml), as the replay and the tests classify by it. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClassifyContext } from '../../shared/domain/classify.js';
import { loadPolicy } from '../../shared/policy/load-policy.js';
import { readYaml } from '../../shared/policy/parse-policy.js';
import { eventsDir, repoRoot } from './events.js';

export const samplePolicy = loadPolicy({ file: join(eventsDir, 'policy.yml'), stage: 'dev' });

export const classifyContext: ClassifyContext = { policy: samplePolicy };

/** The JSON copy of the shipped policy.yml, as packaging writes it for the functions. */
export const packagedPolicyFile = (): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'packaged-policy-')), 'policy.json');
  writeFileSync(file, JSON.stringify(readYaml(readFileSync(join(repoRoot, 'policy.yml'), 'utf8'), { source: 'policy.yml', stage: 'dev' })));
  return file;
};
