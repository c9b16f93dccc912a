/**
 * The EventBridge envelope. Written here rather than imported from Powertools' parser: its
 * schemas module builds every AWS event schema it ships when loaded, which measured 480 KB of
 * bundle and ~150 ms of cold start for the one 10-line schema we need (see the README's numbers).
 * zod/mini through ./zod.js, `import * as z`: esbuild keeps only the parts of zod we use.
 */
import * as z from './zod.js';

export const EventBridgeEnvelopeSchema = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime({ offset: true }),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.optional(z.string()),
});
