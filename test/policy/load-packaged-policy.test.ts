import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyFileError } from '../../shared/policy/errors.js';
import { loadPackagedPolicy, readPolicyFile } from '../../shared/policy/load-packaged-policy.js';
import { loadPolicy } from '../../shared/policy/load-policy.js';

const folder = (): string => mkdtempSync(join(tmpdir(), 'policy-read-'));

describe('Function: readPolicyFile', () => {
  it("answers the file's text as it is", () => {
    const file = join(folder(), 'policy.yml');
    writeFileSync(file, 'mode: enforce\n');
    expect(readPolicyFile(file, 'prod')).toBe('mode: enforce\n');
  });

  it('says a missing file is not found, naming the file and the stage', () => {
    const file = join(folder(), 'policy.yml');
    const act = () => readPolicyFile(file, 'prod');
    expect(act).toThrow(PolicyFileError);
    expect(act).toThrow(`${file} (stage prod): policy file not found`);
  });

  it('says why a file that exists cannot be read', () => {
    const notAFile = folder();
    expect(() => readPolicyFile(notAFile, 'dev')).toThrow(`${notAFile} (stage dev): cannot read the policy file (EISDIR)`);
  });

  it('is the read both loaders share: the YAML file and its packaged JSON copy fail alike', () => {
    const missing = join(folder(), 'policy.json');
    expect(() => loadPackagedPolicy({ file: missing, stage: 'dev' })).toThrow(`${missing} (stage dev): policy file not found`);
    expect(() => loadPolicy({ file: missing, stage: 'dev' })).toThrow(`${missing} (stage dev): policy file not found`);
  });
});
