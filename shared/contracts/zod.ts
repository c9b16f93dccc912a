/**
 * zod for the schemas the Lambda functions load: `zod/mini`, the same library (same parser, same
 * checks, same issues) with a functional, tree-shakable API (`z.optional(z.string())` for
 * `z.string().optional()`). The classic API builds every method onto every schema and cannot be
 * tree-shaken: ~100 KB of each bundle and tens of milliseconds of each cold start before any
 * schema is used. The policy schema, which only packaging and the CLI build, stays classic.
 *
 * zod/mini ships without messages; this sets zod's English ones (what the classic API sets when
 * loaded), so an event is rejected with the same words whichever API built its schema.
 * `import * as z from './zod.js'` everywhere, so esbuild keeps only what is used.
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

export * from 'zod/mini';
