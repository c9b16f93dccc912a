import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { describeIssue, describeIssues } from '../../shared/contracts/zod-issues.js';

const Shape = z.object({ runId: z.string().min(1), counts: z.object({ secrets: z.number() }) });
const issuesOf = (value: unknown): z.ZodError => {
  const parsed = Shape.safeParse(value);
  if (parsed.success) throw new Error('expected the value to be rejected');
  return parsed.error;
};

describe('describeIssues', () => {
  it('names each field at fault by its dotted path, with what it should be', () => {
    expect(describeIssues(issuesOf({ runId: '', counts: { secrets: 'many' } }))).toEqual([
      'runId: Too small: expected string to have >=1 characters',
      'counts.secrets: Invalid input: expected number, received string',
    ]);
  });

  it('says a required field is missing rather than that it received undefined', () => {
    expect(describeIssues(issuesOf({ counts: { secrets: 1 } }))).toEqual(['runId: missing (expected string)']);
  });

  it('reports a fault of the whole value at (top), or at the name given for it', () => {
    expect(describeIssues(issuesOf('a string'))).toEqual(['(top): Invalid input: expected object, received string']);
    expect(describeIssues(issuesOf(['a list']), { top: 'event' })).toEqual(['event: Invalid input: expected object, received array']);
  });

  it('puts every path under the field the value was taken from', () => {
    const [issue] = issuesOf({ runId: 'r', counts: {} }).issues;
    expect(issue && describeIssue(issue, { under: 'detail' })).toBe('detail.counts.secrets: missing (expected number)');
  });

  it('never quotes the rejected value', () => {
    expect(describeIssues(issuesOf({ runId: 7, counts: { secrets: 'hunter2-secret-value' } })).join('\n')).not.toContain('hunter2');
  });
});
