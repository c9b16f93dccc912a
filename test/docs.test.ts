/**
 * The documentation names only what exists: every repository path it quotes (in `code` or in a
 * code block), every file and section it links to, and every `npm run` script it tells a reader
 * to run. A user copies these; a renamed file or script must fail here, not in their terminal.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/events.js';

/** The documents for users and contributors, as repository paths. */
const documents = (): string[] => [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
];

const read = (document: string): string => readFileSync(join(repoRoot, document), 'utf8');

/** The repository's top-level folders (tracked files only): a quoted path starting with one is a repository path. */
const topLevelFolders = (): Set<string> =>
  new Set(
    execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' })
      .split('\0')
      .filter((file) => file.includes('/'))
      .map((file) => file.slice(0, file.indexOf('/'))),
  );

/** A document's text split into prose and the lines inside ``` fences. */
const splitFences = (text: string): { prose: string[]; code: string[] } => {
  const prose: string[] = [];
  const code: string[] = [];
  let inFence = false;
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    else (inFence ? code : prose).push(line);
  }
  return { prose, code };
};

/** What a reader could copy as a path: inline `code` spans of the prose, and the words of code blocks. */
const quotedTokens = (text: string): string[] => {
  const { prose, code } = splitFences(text);
  const inline = prose.flatMap((line) => [...line.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? ''));
  const words = code.flatMap((line) => line.split(/[\s=]+/));
  return [...inline, ...words].map((token) =>
    token
      .trim()
      .replace(/^['"(]+/, '')
      .replace(/['"),;:.]+$/, ''),
  );
};

/** Placeholders and patterns (`events/<rule-id>/`, `shared/rules/*.pattern.json`) name no one file. */
const isPlaceholder = (token: string): boolean => /[<>*{}…\s]|\.\.\./.test(token);

/** The repository paths a document quotes: tokens whose first segment is a top-level folder. */
const quotedPaths = (text: string, folders: ReadonlySet<string>): string[] =>
  quotedTokens(text)
    .map((token) => token.replace(/^\.\//, ''))
    .filter((token) => token.includes('/') && !isPlaceholder(token) && folders.has(token.slice(0, token.indexOf('/'))));

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
const anchorsOf = (text: string): Set<string> => {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of splitFences(text).prose) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
};

/** Links to files of the repository, `[text](target)`, resolved against the document's folder. */
const localLinks = (document: string, text: string): { target: string; file: string; anchor?: string }[] =>
  splitFences(text)
    .prose.flatMap((line) => [...line.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? ''))
    .filter((target) => !/^[a-z]+:/i.test(target))
    .map((target) => {
      const [path = '', anchor] = target.split('#');
      const file = path === '' ? document : relative(repoRoot, normalize(join(repoRoot, dirname(document), path)));
      return { target, file, ...(anchor ? { anchor } : {}) };
    });

const scripts = (): Record<string, string> =>
  (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('the documentation', () => {
  it('covers the README, CONTRIBUTING and every page under docs/', () => {
    expect(documents()).toEqual(
      expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/architecture.md', 'docs/rules.md', 'docs/sweep.md']),
    );
  });

  it.each(documents())('%s quotes only repository paths that exist', (document) => {
    // Prepare
    const folders = topLevelFolders();

    // Act
    const missing = quotedPaths(read(document), folders).filter((path) => !existsSync(join(repoRoot, path)));

    // Assess
    expect(missing).toEqual([]);
  });

  it.each(documents())('%s links only to files and sections that exist', (document) => {
    // Act
    const broken = localLinks(document, read(document)).filter(({ file, anchor }) => {
      const path = join(repoRoot, file);
      if (!existsSync(path)) return true;
      return anchor !== undefined && statSync(path).isFile() && file.endsWith('.md') && !anchorsOf(read(file)).has(anchor);
    });

    // Assess
    expect(broken.map(({ target }) => target)).toEqual([]);
  });

  it.each(documents())('%s names only npm scripts that package.json defines', (document) => {
    // Prepare
    const defined = scripts();

    // Act
    const named = [...read(document).matchAll(/\bnpm (?:run ([\w:-]+)|(start|test)\b)/g)].map((match) => match[1] ?? match[2] ?? '');

    // Assess
    expect(named.filter((script) => !Object.hasOwn(defined, script))).toEqual([]);
  });
});

describe('the documentation checks', () => {
  it('recognise a quoted path that does not exist, in prose and in a code block', () => {
    const text = ['Replay `events/secretsmanager/RotationFailed.json`.', '```sh', 'npm start -- events/nowhere/a.json', '```'].join('\n');

    expect(quotedPaths(text, new Set(['events']))).toEqual(['events/secretsmanager/RotationFailed.json', 'events/nowhere/a.json']);
  });

  it('leave placeholders, globs and secret names alone', () => {
    const text = 'Samples in `events/<rule-id>/`, patterns in `shared/rules/*.pattern.json`, a secret `prod/payments/db`.';

    expect(quotedPaths(text, new Set(['events', 'shared']))).toEqual([]);
  });

  it('make the anchors GitHub makes', () => {
    const anchors = anchorsOf(
      '## First deploy, step by step\n### `rotation.maxAgeDays`\n```sh\n# not a heading\n```\n## rotation-failed\n## Limits\n## Limits',
    );

    expect([...anchors]).toEqual(['first-deploy-step-by-step', 'rotationmaxagedays', 'rotation-failed', 'limits', 'limits-1']);
  });
});
