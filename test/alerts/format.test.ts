/** The small text formats alerts and the replay report share. */
import { describe, expect, it } from 'vitest';
import { formatStages, shellArg } from '../../shared/alerts/format.js';

describe('Function: formatStages', () => {
  it('writes each version with its labels, in the order given, on one line', () => {
    expect(formatStages({ v1: ['AWSCURRENT'], v3: ['AWSPENDING', 'custom'] })).toBe('v1 [AWSCURRENT]; v3 [AWSPENDING, custom]');
  });

  it('says so when no version carries a label, rather than printing nothing', () => {
    expect(formatStages({})).toBe('(no labelled versions)');
  });
});

describe('Function: shellArg', () => {
  it.each(['prod/payments/db', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-Ab12Cd', 'a_b+c=d.e@f,g-h'])(
    'leaves %s unquoted: a secret name or ARN of plain characters',
    (value) => {
      expect(shellArg(value)).toBe(value);
    },
  );

  it.each([
    ['a space', 'my secret', `'my secret'`],
    ['a dollar sign', 'prod/$HOME', `'prod/$HOME'`],
    ['a command substitution', 'x$(rm -rf ~)', `'x$(rm -rf ~)'`],
    ['a single quote', "it's", `'it'\\''s'`],
    ['nothing at all', '', `''`],
  ])('quotes a value with %s so the shell takes it as one word', (_label, value, quoted) => {
    expect(shellArg(value)).toBe(quoted);
  });
});
