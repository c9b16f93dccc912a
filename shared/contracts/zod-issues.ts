/**
 * How a rejected value is described everywhere: one `path: problem` line per zod issue, so an
 * event, a checkpoint, a seed or the environment that fails its schema names exactly the field
 * at fault and what it should be. A value zod never quotes, so a line is safe to log.
 */
import type * as z from 'zod';

/** Where the lines start from: `top` names the value itself (an issue with no path), `under` prefixes every path. */
export interface IssueWording {
  /** What an issue about the whole value is reported at; `(top)` unless said. */
  readonly top?: string;
  /** A path every issue sits under (`detail` for an event's detail parsed on its own). */
  readonly under?: string;
}

/**
 * One issue as `path: problem`; a required field that is absent reads `missing (expected string)`
 * rather than zod's "Invalid input: expected string, received undefined".
 * @example
 * describeIssue(issue, { under: 'detail' }); // "detail.checkpoint.runId: missing (expected string)"
 */
export const describeIssue = (issue: z.core.$ZodIssue, wording: IssueWording = {}): string => {
  const segments = [...(wording.under ? [wording.under] : []), ...issue.path.map(String)];
  const path = segments.length > 0 ? segments.join('.') : (wording.top ?? '(top)');
  const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
  return `${path}: ${missing ? `missing (expected ${issue.expected})` : issue.message}`;
};

/** Every issue of a failed parse, one line each (see `describeIssue`). */
export const describeIssues = (error: z.core.$ZodError, wording: IssueWording = {}): string[] =>
  error.issues.map((issue) => describeIssue(issue, wording));
