import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/events.js';
import { documentedFields } from '../helpers/policy.js';

describe('docs/policy.md', () => {
  it('has a section for every field', () => {
    // Prepare
    const docs = readFileSync(join(repoRoot, 'docs', 'policy.md'), 'utf8');

    // Act
    const headings = new Set([...docs.matchAll(/^#{2,4} `([\w.]+)`/gm)].map((m) => m[1]));

    // Assess
    expect(documentedFields.filter((field) => !headings.has(field))).toEqual([]);
  });
});
