import { describe, expect, it } from 'vitest';
import { matchesGlob } from '../../shared/policy/glob.js';

describe('Function: matchesGlob', () => {
  it.each([
    ['prod/*', 'prod/db', true],
    ['prod/*', 'prod/a/b', true],
    ['prod/*', 'prod/', true],
    ['prod/*', 'production', false],
    ['prod/*', 'staging/prod/db', false],
    ['Prod/*', 'prod/db', false],
    ['*/db', 'prod/eu/db', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['prod/db', 'prod/db', true],
    ['prod/db', 'prod/db2', false],
  ])('%s against %s is %s', (glob, value, expected) => {
    // Act & Assess
    expect(matchesGlob(glob, value)).toBe(expected);
  });

  it.each([
    ['arn:aws:iam::123456789012:role/AWSReservedSSO_Admin_*', 'arn:aws:iam::123456789012:role/AWSReservedSSO_Admin_0a1b2c3d', true],
    ['arn:aws:iam::123456789012:role/AWSReservedSSO_Admin_*', 'arn:aws:iam::123456789012:role/AWSReservedSSO_ReadOnly_0a1b2c3d', false],
    ['arn:aws:iam::123456789012:role/AWSReservedSSO_Admin_*', 'arn:aws:iam::210987654321:role/AWSReservedSSO_Admin_0a1b2c3d', false],
    ['arn:aws:iam::*:role/break-glass', 'arn:aws:iam::210987654321:role/break-glass', true],
    ['arn:aws:iam::*:role/break-glass', 'arn:aws:iam::210987654321:role/break-glass-2', false],
    [
      'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Admin_*',
      'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0a1b2c3d',
      true,
    ],
  ])('matches the ARN glob %s against %s: %s', (glob, value, expected) => {
    // Act & Assess
    expect(matchesGlob(glob, value)).toBe(expected);
  });

  it.each([
    ['db.main', 'db.main', true],
    ['db.main', 'dbXmain', false],
    ['a+b', 'a+b', true],
    ['a+b', 'aab', false],
    ['fn(x)', 'fn(x)', true],
    ['fn(x)', 'fnx', false],
    ['[ab]', 'a', false],
    ['^a$|b', '^a$|b', true],
    ['a?', 'ab', false],
    ['a\\d', 'a1', false],
    ['a{2}', 'aa', false],
  ])('takes the regex special in %s literally against %s: %s', (glob, value, expected) => {
    // Act & Assess
    expect(matchesGlob(glob, value)).toBe(expected);
  });

  it('stays fast on a glob that would make a regex backtrack', () => {
    // Prepare
    // An equivalent regex (^a.*a.*a.*a.*b$) takes seconds on this; the matcher, microseconds.
    const value = 'a'.repeat(500);
    const started = performance.now();

    // Act
    const matched = matchesGlob('a*a*a*a*b', value);

    // Assess
    expect(matched).toBe(false);
    expect(performance.now() - started).toBeLessThan(250);
  });
});
