/**
 * The EventBridge envelope. Written here rather than imported from Powertools' parser: its
 * schemas module builds every AWS event schema it ships when loaded, which measured 480 KB of
 * bundle and ~150 ms of cold start for the one 10-line schema we need (see the README's numbers).
 * `import * as z` (not `{ z }`) lets esbuild drop the parts of zod we do not use.
 */
import * as z from 'zod';

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
  'replay-name': z.string().optional(),
});
