/**
 * The id of every rule in the catalogue (shared/domain/catalogue.ts), in its order: what a
 * finding's `rule` may be. The catalogue holds one entry per id (a test holds it to this list);
 * everything else about a rule lives in that entry.
 */
import * as z from './zod.js';

export const RULE_IDS = [
  'rotation-failed',
  'rotation-succeeded',
  'rotation-disabled',
  'secret-force-deleted',
  'secret-deleted',
  'deleted-secret-in-use',
  'value-changed-by-hand',
  'policy-public',
  'policy-removed',
  'default-kms-key',
  'replication-removed',
  'abac-tag-changed',
  'access-outside-vpce',
  'access-denied-burst',
  'rotation-missing',
  'rotation-overdue',
  'unused',
  'stale-pending',
  'resource-policy-missing',
  'scheduled-for-deletion',
] as const;

export const RuleIdSchema = z.enum(RULE_IDS);
export type RuleId = z.infer<typeof RuleIdSchema>;
