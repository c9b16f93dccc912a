/** The domain stays pure: no AWS SDK and no I/O, so every decision is testable as data. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/events.js';

const domainDir = join(repoRoot, 'shared', 'domain');
const domainFiles = readdirSync(domainDir).filter((f) => f.endsWith('.ts'));

describe('Architecture', () => {
  it('has domain files to check', () => {
    expect(domainFiles.length).toBeGreaterThanOrEqual(5);
  });

  it.each(domainFiles)('shared/domain/%s imports neither the AWS SDK nor I/O modules', (file) => {
    const imports = [...readFileSync(join(domainDir, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);

    expect(imports.filter((i) => /^@aws-sdk\/|^node:(fs|child_process|net|http)/.test(i ?? ''))).toEqual([]);
    expect(imports.filter((i) => i?.includes('/adapters/') || i?.includes('/sandbox/'))).toEqual([]);
  });

  it('imports the SDK only in adapters', () => {
    const offenders = readdirSync(join(repoRoot, 'shared'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.startsWith('adapters'))
      .filter((f) => readFileSync(join(repoRoot, 'shared', f), 'utf8').includes("from '@aws-sdk/"));

    expect(offenders).toEqual([]);
  });

  it('keeps shared/ free of imports of functions/: the Lambda entries wire shared/, never the reverse', () => {
    const offenders = readdirSync(join(repoRoot, 'shared'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /from '(\.\.\/)+functions\//.test(readFileSync(join(repoRoot, 'shared', f), 'utf8')));

    expect(offenders).toEqual([]);
  });

  it('keeps every Lambda entry (functions/<name>/handler.ts) to wiring of at most 15 lines', () => {
    // Prepare
    const entries = readdirSync(join(repoRoot, 'functions')).map((name) => join('functions', name, 'handler.ts'));

    // Act
    const long = entries
      .map((entry) => ({ entry, lines: readFileSync(join(repoRoot, entry), 'utf8').trimEnd().split('\n').length }))
      .filter(({ lines }) => lines > 15);

    // Assess
    expect(entries.length).toBeGreaterThanOrEqual(8);
    expect(long).toStrictEqual([]);
  });
});
