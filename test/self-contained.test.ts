/**
 * A clone is the whole product: nothing the repository ships reads, runs or cites a file outside
 * it. CI also runs the suite from a copy with nothing beside it (`.ci/run`); this test names the
 * offending line when someone adds such a reference.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/events.js';

const trackedFiles = (): string[] =>
  execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '' && file !== 'package-lock.json' && !file.endsWith('.snap'));

// A path that climbs out of the repository to a sibling folder, or a design document the
// repository does not contain. `../../shared/` inside the repository is its own `shared/` folder.
const OUTSIDE = [
  /(^|[^./])\.\.\/shared\/(fixtures|hooks|DESIGN|STYLE)/,
  /['"]\.\.['"],\s*['"]shared['"]/,
  /\bDESIGN(\.md)?\s*§/,
  /\bSTYLE\.md\b/,
];

describe('the repository is self-contained', () => {
  it('has tracked files to read', () => {
    expect(trackedFiles().length).toBeGreaterThan(100);
  });

  it('refers to no file outside it and to no design document it does not contain', () => {
    const offenders = trackedFiles().flatMap((file) => {
      if (file === 'test/self-contained.test.ts') return [];
      const text = readFileSync(join(repoRoot, file), 'utf8');
      return text
        .split('\n')
        .map((line, index) => ({ line, index }))
        .filter(({ line }) => OUTSIDE.some((pattern) => pattern.test(line)))
        .map(({ index }) => `${file}:${index + 1}`);
    });

    expect(offenders).toEqual([]);
  });

  it('keeps its published fixtures with their provenance beside them', () => {
    const readme = readFileSync(join(repoRoot, 'test', 'fixtures', 'published', 'README.md'), 'utf8');
    const fixtures = trackedFiles().filter((file) => file.startsWith('test/fixtures/published/') && file.endsWith('.json'));

    expect(fixtures.length).toBeGreaterThanOrEqual(4);
    for (const fixture of fixtures) expect(readme).toContain(fixture.split('/').pop());
  });

  it('ships the licence package.json names', () => {
    const { license } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { license: string };

    expect(license).toBe('Apache-2.0');
    expect(readFileSync(join(repoRoot, 'LICENSE'), 'utf8')).toContain('Apache License');
  });
});
