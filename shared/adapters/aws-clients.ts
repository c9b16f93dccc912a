/**
 * What both composition roots (aws-account.ts, aws-alert-account.ts) share: how an SDK client is
 * made, and the member roles through STS, loaded on first use. A module of its own so that the
 * alert functions, which read no secrets, do not import the Secrets Manager client with
 * aws-account.ts.
 */
import type { MemberAccess } from './member-access.js';
import { onFirstUse } from './on-first-call.js';

/** The SDK's standard retry mode with backoff; throttling past these attempts fails the invocation. */
export const MAX_ATTEMPTS = 4;

/** What every client of the service is made with: the standard retries, and `region` when given (else the SDK's chain). */
export const clientConfig = (region?: string) => ({ maxAttempts: MAX_ATTEMPTS, ...(region ? { region } : {}) });

/**
 * The member roles through STS (organisation mode), loaded with `import()` the first time a member
 * is reached, then shared by every caller of the loader: a single-account deployment never loads STS.
 */
export const loadMemberAccess = (): (() => Promise<MemberAccess>) =>
  onFirstUse(async () => (await import('./member-access.js')).memberAccess());
