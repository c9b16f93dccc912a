/**
 * Sample events for tests: the project's `events/` and the published fixtures in
 * `test/fixtures/published` (provenance in its README), always as fresh copies so a test cannot
 * change another's input.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const eventsDir = join(repoRoot, 'events');
export const publishedFixturesDir = join(repoRoot, 'test', 'fixtures', 'published');

/** An event from `events/`, e.g. `rotation-failed/fires.RotationFailed.published-umccr.json`. */
export const loadSampleEvent = <T = Record<string, unknown>>(relativePath: string): T =>
  structuredClone(JSON.parse(readFileSync(join(eventsDir, relativePath), 'utf8')) as T);

/** Every sample in `events/`, as paths relative to it. */
export const sampleEventFiles = (): string[] =>
  readdirSync(eventsDir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.json'))
    .sort();

/** A published fixture, e.g. `RotationFailed.eventbridge.umccr.json`. */
export const loadPublishedFixture = <T = Record<string, unknown>>(name: string): T =>
  structuredClone(JSON.parse(readFileSync(join(publishedFixturesDir, name), 'utf8')) as T);

export const publishedFixtureFiles = (): string[] =>
  readdirSync(publishedFixturesDir)
    .filter((name) => name.endsWith('.json'))
    .sort();
