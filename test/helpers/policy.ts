/** The policy of the sample world (events/policy.yml), as the replay and the tests classify by it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClassifyContext } from '../../shared/domain/classify.js';
import { loadPolicy } from '../../shared/policy/load-policy.js';
import { packagedPolicy } from '../../shared/policy/load-packaged-policy.js';
import { DEFAULT_POLICY } from '../../shared/policy/schema.js';
import { eventsDir, repoRoot } from './events.js';

export const samplePolicy = loadPolicy({ file: join(eventsDir, 'policy.yml'), stage: 'dev' });

export const classifyContext: ClassifyContext = { policy: samplePolicy };

/** The sample policy with organisation mode off: one account and region, as a deployment starts. */
export const singleAccountPolicy = { ...samplePolicy, organisation: { ...samplePolicy.organisation, enabled: false } };

/** policy.json of the shipped policy.yml for a stage, as packaging writes it for the functions. */
export const packagedPolicyFile = (stage = 'dev'): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'packaged-policy-')), 'policy.json');
  writeFileSync(file, JSON.stringify(packagedPolicy(loadPolicy({ file: join(repoRoot, 'policy.yml'), stage }), stage)));
  return file;
};

/** A file of `content` named `name` in a fresh temporary folder. */
export const tempFile = (name: string, content: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'policy-')), name);
  writeFileSync(file, content);
  return file;
};

/** Every key path of a value, `rotation.functions.byTag` style; lists and records are leaves. */
export const keyPaths = (value: unknown, prefix = ''): string[] =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0
    ? Object.entries(value).flatMap(([key, child]) => [`${prefix}${key}`, ...keyPaths(child, `${prefix}${key}.`)])
    : [];

/** Every field of the policy (stage overrides aside): what policy.yml and docs/policy.md must each show. */
export const documentedFields = keyPaths({ ...DEFAULT_POLICY, stages: undefined }).filter((path) => path !== 'stages');
