import { describe, it, expect } from 'vitest';
import { matchesPattern, UnsupportedPatternError } from '../../shared/rules/match-pattern.js';
import type { EventPattern } from '../../shared/rules/match-pattern.js';

/** Wraps a single `detail.value` leaf so operator tables stay one line per case. */
const onValue = (alternatives: unknown[]): EventPattern => ({ detail: { value: alternatives } });
const withValue = (value: unknown): Record<string, unknown> => ({ source: 'test', detail: { value } });

describe('Function: matchesPattern', () => {
  describe('realistic pattern: Secrets Manager rotation events', () => {
    const pattern: EventPattern = {
      source: ['aws.secretsmanager'],
      'detail-type': ['AWS Service Event via CloudTrail'],
      detail: {
        eventSource: ['secretsmanager.amazonaws.com'],
        eventName: ['RotationFailed', 'RotationAbandoned', 'TestRotationFailed', 'RotationSucceeded'],
      },
    };
    const rotationEvent = (overrides: { detailType?: string; eventName?: string } = {}): unknown => ({
      version: '0',
      id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
      'detail-type': overrides.detailType ?? 'AWS Service Event via CloudTrail',
      source: 'aws.secretsmanager',
      account: '111122223333',
      time: '2024-05-01T10:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: {
        eventVersion: '1.08',
        eventSource: 'secretsmanager.amazonaws.com',
        eventName: overrides.eventName ?? 'RotationFailed',
        additionalEventData: { SecretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf' },
      },
    });

    it('matches a RotationFailed service event', () => {
      // Act
      const matched = matchesPattern(pattern, rotationEvent());

      // Assess
      expect(matched).toBe(true);
    });

    it('does not match the same event delivered as an API call', () => {
      // Act
      const matched = matchesPattern(pattern, rotationEvent({ detailType: 'AWS API Call via CloudTrail' }));

      // Assess
      expect(matched).toBe(false);
    });

    it('does not match an event name the pattern does not list', () => {
      // Act
      const matched = matchesPattern(pattern, rotationEvent({ eventName: 'RotationStarted' }));

      // Assess
      expect(matched).toBe(false);
    });
  });

  describe('exact values', () => {
    it.each([
      ['same string', ['running'], 'running', true],
      ['different string', ['running'], 'stopped', false],
      ['strings are case-sensitive', ['running'], 'Running', false],
      ['one of several alternatives', ['pending', 'running'], 'running', true],
      ['numbers compare numerically (300 vs 3.0e2)', [300], 3.0e2, true],
      ['different number', [300], 301, false],
      ['a string never equals a number', ['300'], 300, false],
      ['a number never equals a string', [300], '300', false],
      ['same boolean', [false], false, true],
      ['different boolean', [false], true, false],
      ['a boolean never equals its string form', [true], 'true', false],
      ['null matches a JSON null', [null], null, true],
      ['null does not match an empty string', [null], '', false],
      ['the empty string matches an empty string', [''], '', true],
      ['the empty string does not match null', [''], null, false],
      ['a scalar does not match an object value', ['running'], { state: 'running' }, false],
    ])('%s', (_case, alternatives, value, expected) => {
      // Act
      const matched = matchesPattern(onValue(alternatives), withValue(value));

      // Assess
      expect(matched).toBe(expected);
    });

    it('does not match a missing field with null or the empty string', () => {
      // Prepare
      const event = { detail: { other: 1 } };

      // Act & Assess
      expect(matchesPattern(onValue([null]), event)).toBe(false);
      expect(matchesPattern(onValue(['']), event)).toBe(false);
    });
  });

  describe('event structure', () => {
    it('requires every field of the pattern to match', () => {
      // Prepare
      const pattern: EventPattern = { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] };

      // Act & Assess
      expect(matchesPattern(pattern, { source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification' })).toBe(true);
      expect(matchesPattern(pattern, { source: 'aws.ec2', 'detail-type': 'Other' })).toBe(false);
    });

    it('ignores event fields the pattern does not mention', () => {
      // Act
      const matched = matchesPattern({ source: ['aws.ec2'] }, { source: 'aws.ec2', account: '1', detail: { a: 1 } });

      // Assess
      expect(matched).toBe(true);
    });

    it('recurses into nested objects', () => {
      // Prepare
      const pattern: EventPattern = { detail: { state: { name: ['running'] } } };

      // Act & Assess
      expect(matchesPattern(pattern, { detail: { state: { name: 'running', code: 16 } } })).toBe(true);
      expect(matchesPattern(pattern, { detail: { state: { name: 'stopped' } } })).toBe(false);
    });

    it('does not match when the field is missing', () => {
      // Act & Assess
      expect(matchesPattern({ detail: { state: ['running'] } }, { detail: {} })).toBe(false);
      expect(matchesPattern({ detail: { state: ['running'] } }, { source: 'x' })).toBe(false);
    });

    it('does not match when a nested pattern meets a scalar', () => {
      // Act
      const matched = matchesPattern({ detail: { state: ['running'] } }, { detail: 'running' });

      // Assess
      expect(matched).toBe(false);
    });

    it("only reads the event's own fields, not inherited ones", () => {
      // Prepare
      const event: unknown = Object.create({ source: 'aws.ec2' });

      // Act
      const matched = matchesPattern({ source: ['aws.ec2'] }, event);

      // Assess
      expect(matched).toBe(false);
    });

    it.each([
      ['null', null],
      ['undefined', undefined],
      ['a string', 'aws.ec2'],
      ['a number', 42],
      ['an array', [{ source: 'aws.ec2' }]],
    ])('does not match when the event is %s', (_case, event) => {
      // Act
      const matched = matchesPattern({ source: [{ exists: false }] }, event);

      // Assess
      expect(matched).toBe(false);
    });
  });

  describe('array event values', () => {
    it.each([
      ['any element equals an alternative', ['b'], ['a', 'b', 'c'], true],
      ['no element equals an alternative', ['z'], ['a', 'b', 'c'], false],
      ['an operator matches any element', [{ prefix: 'arn:aws:s3' }], ['arn:aws:ec2:x', 'arn:aws:s3:::bucket'], true],
      ['nested arrays are flattened', ['deep'], [['shallow', ['deep']]], true],
      ['an empty array has no value to match', ['a'], [], false],
    ])('%s', (_case, alternatives, value, expected) => {
      // Act
      const matched = matchesPattern(onValue(alternatives), withValue(value));

      // Assess
      expect(matched).toBe(expected);
    });

    it('matches a nested pattern against the objects of an array', () => {
      // Prepare
      const event = {
        employees: [
          { first: 'John', last: 'Doe' },
          { first: 'Anna', last: 'Smith' },
        ],
      };

      // Act & Assess
      expect(matchesPattern({ employees: { first: ['Anna'] } }, event)).toBe(true);
      expect(matchesPattern({ employees: { first: ['Peter'] } }, event)).toBe(false);
    });

    it('requires a nested pattern to match within one array element', () => {
      // Prepare
      const event = {
        employees: [
          { first: 'Anna', last: 'Smith' },
          { first: 'John', last: 'Doe' },
        ],
      };

      // Act & Assess
      expect(matchesPattern({ employees: { first: ['Anna'], last: ['Smith'] } }, event)).toBe(true);
      expect(matchesPattern({ employees: { first: ['John'], last: ['Smith'] } }, event)).toBe(false);
    });
  });

  describe('prefix, suffix and equals-ignore-case', () => {
    it.each([
      ['prefix matches the start', [{ prefix: 'eu-' }], 'eu-west-1', true],
      ['prefix is case-sensitive', [{ prefix: 'eu-' }], 'EU-west-1', false],
      ['prefix does not match elsewhere', [{ prefix: 'west' }], 'eu-west-1', false],
      ['prefix only matches strings', [{ prefix: '12' }], 123, false],
      ['prefix ignoring case matches', [{ prefix: { 'equals-ignore-case': 'EventB' } }], 'eventbridge', true],
      ['prefix ignoring case still needs the prefix', [{ prefix: { 'equals-ignore-case': 'EventB' } }], 'sns', false],
      ['suffix matches the end', [{ suffix: '.png' }], 'photo.png', true],
      ['suffix is case-sensitive', [{ suffix: '.png' }], 'photo.PNG', false],
      ['suffix ignoring case matches', [{ suffix: { 'equals-ignore-case': '.png' } }], 'photo.PNG', true],
      ['suffix ignoring case still needs the suffix', [{ suffix: { 'equals-ignore-case': '.png' } }], 'photo.jpg', false],
      ['equals-ignore-case matches any casing', [{ 'equals-ignore-case': 'alice' }], 'ALICE', true],
      ['equals-ignore-case needs the whole value', [{ 'equals-ignore-case': 'alice' }], 'alice smith', false],
      ['equals-ignore-case only matches strings', [{ 'equals-ignore-case': 'true' }], true, false],
    ])('%s', (_case, alternatives, value, expected) => {
      // Act
      const matched = matchesPattern(onValue(alternatives), withValue(value));

      // Assess
      expect(matched).toBe(expected);
    });
  });

  describe('wildcard', () => {
    it.each([
      ['a star matches any run of characters', 'dir/*/file.png', 'dir/a/b/file.png', true],
      ['a star matches an empty run', 'a*b', 'ab', true],
      ['the literal parts must match', 'a*b', 'acd', false],
      ['the whole value must match', 'a*b', 'xab', false],
      ['several stars', '*/lib/*', 'usr/lib/node', true],
      ['regular-expression characters are literal', 'v1.(0)*', 'v1.(0)-beta', true],
      ['regular-expression characters do not act as such', 'v1.0*', 'v1x0-beta', false],
      ['an escaped star is a literal star', String.raw`price\*`, 'price*', true],
      ['an escaped star is not a wildcard', String.raw`price\*`, 'price99', false],
      ['an escaped backslash is a literal backslash', String.raw`C:\\*`, String.raw`C:\Windows`, true],
    ])('%s', (_case, wildcard, value, expected) => {
      // Act
      const matched = matchesPattern(onValue([{ wildcard }]), withValue(value));

      // Assess
      expect(matched).toBe(expected);
    });

    it('only matches strings', () => {
      // Act
      const matched = matchesPattern(onValue([{ wildcard: '*' }]), withValue(7));

      // Assess
      expect(matched).toBe(false);
    });
  });

  describe('anything-but', () => {
    it.each([
      ['a different string', [{ 'anything-but': 'initializing' }], 'running', true],
      ['the excluded string', [{ 'anything-but': 'initializing' }], 'initializing', false],
      ['a different number', [{ 'anything-but': 123 }], 124, true],
      ['the excluded number, written differently', [{ 'anything-but': 300 }], 3.0e2, false],
      ['a string is not the excluded number', [{ 'anything-but': 123 }], '123', true],
      ['a number is not an excluded string', [{ 'anything-but': ['5', '6'] }], 5, true],
      ['a value outside the string list', [{ 'anything-but': ['stopped', 'overloaded'] }], 'running', true],
      ['a value inside the string list', [{ 'anything-but': ['stopped', 'overloaded'] }], 'stopped', false],
      ['a value outside the number list', [{ 'anything-but': [100, 200] }], 150, true],
      ['a value inside the number list', [{ 'anything-but': [100, 200] }], 200, false],
      ['null is a value other than the excluded one', [{ 'anything-but': 'initializing' }], null, true],
      ['a value without the prefix', [{ 'anything-but': { prefix: 'init' } }], 'running', true],
      ['a value with the prefix', [{ 'anything-but': { prefix: 'init' } }], 'initializing', false],
      ['a value without the suffix', [{ 'anything-but': { suffix: '.png' } }], 'a.jpg', true],
      ['a value with the suffix', [{ 'anything-but': { suffix: '.png' } }], 'a.png', false],
      ['a value unequal ignoring case', [{ 'anything-but': { 'equals-ignore-case': 'init' } }], 'running', true],
      ['a value equal ignoring case', [{ 'anything-but': { 'equals-ignore-case': 'init' } }], 'INIT', false],
      ['a value outside an ignore-case list', [{ 'anything-but': { 'equals-ignore-case': ['a', 'b'] } }], 'c', true],
      ['a value inside an ignore-case list', [{ 'anything-but': { 'equals-ignore-case': ['a', 'b'] } }], 'B', false],
      ['a value not matching the wildcard', [{ 'anything-but': { wildcard: '*/lib/*' } }], 'usr/bin/x', true],
      ['a value matching the wildcard', [{ 'anything-but': { wildcard: '*/lib/*' } }], 'usr/lib/x', false],
      ['an array with one non-excluded element', [{ 'anything-but': 'a' }], ['a', 'b'], true],
      ['an array of only excluded elements', [{ 'anything-but': 'a' }], ['a', 'a'], false],
      ['an object value, which is not a leaf', [{ 'anything-but': 'a' }], { b: 1 }, false],
    ])('%s: %j vs %j → %s', (_case, alternatives, value, expected) => {
      // Act
      const matched = matchesPattern(onValue(alternatives), withValue(value));

      // Assess
      expect(matched).toBe(expected);
    });

    it('does not match a missing field', () => {
      // Act
      const matched = matchesPattern(onValue([{ 'anything-but': 'initializing' }]), { detail: {} });

      // Assess
      expect(matched).toBe(false);
    });

    it('matches a missing field when combined with exists false', () => {
      // Prepare
      const pattern = onValue([{ 'anything-but': 'initializing' }, { exists: false }]);

      // Act & Assess
      expect(matchesPattern(pattern, { detail: {} })).toBe(true);
      expect(matchesPattern(pattern, withValue('initializing'))).toBe(false);
    });
  });

  describe('exists', () => {
    it.each([
      ['exists true, field present', true, withValue('x'), true],
      ['exists true, field present as null', true, withValue(null), true],
      ['exists true, field present as false', true, withValue(false), true],
      ['exists true, field missing', true, { detail: {} }, false],
      ['exists true, parent missing', true, { source: 'x' }, false],
      ['exists true, field holds an object (not a leaf)', true, withValue({ a: 1 }), false],
      ['exists true, field holds an empty array', true, withValue([]), false],
      ['exists false, field missing', false, { detail: {} }, true],
      ['exists false, parent missing', false, { source: 'x' }, true],
      ['exists false, field present', false, withValue('x'), false],
      ['exists false, field present as null', false, withValue(null), false],
      ['exists false, field holds an object (not a leaf)', false, withValue({ a: 1 }), true],
    ])('%s', (_case, exists, event, expected) => {
      // Act
      const matched = matchesPattern(onValue([{ exists }]), event);

      // Assess
      expect(matched).toBe(expected);
    });
  });

  describe('numeric', () => {
    const range = onValue([{ numeric: ['>', 0, '<=', 5] }]);

    it.each([
      [0, false],
      [0.000001, true],
      [5, true],
      [5.0000001, false],
      [-3, false],
    ])('range > 0, <= 5 on %d → %s', (value, expected) => {
      // Act
      const matched = matchesPattern(range, withValue(value));

      // Assess
      expect(matched).toBe(expected);
    });

    it.each([
      ['=', 301.8, 3.018e2, true],
      ['=', 301.8, 301, false],
      ['<', 10, 9.99, true],
      ['<', 10, 10, false],
      ['<=', 10, 10, true],
      ['<=', 10, 10.5, false],
      ['>', 10, 11, true],
      ['>', 10, 10, false],
      ['>=', 10, 10, true],
      ['>=', 10, 9, false],
    ])('%s %d on %d → %s', (operator, bound, value, expected) => {
      // Act
      const matched = matchesPattern(onValue([{ numeric: [operator, bound] }]), withValue(value));

      // Assess
      expect(matched).toBe(expected);
    });

    it.each([
      ['a numeric string', '3'],
      ['null', null],
      ['a missing field', undefined],
    ])('does not match %s', (_case, value) => {
      // Act
      const matched = matchesPattern(range, value === undefined ? { detail: {} } : withValue(value));

      // Assess
      expect(matched).toBe(false);
    });

    it('matches when any element of an array is in range', () => {
      // Act & Assess
      expect(matchesPattern(range, withValue([9, 3]))).toBe(true);
      expect(matchesPattern(range, withValue([9, 30]))).toBe(false);
    });
  });

  describe('cidr', () => {
    it.each([
      ['an IPv4 address inside the block', '10.0.0.0/24', '10.0.0.255', true],
      ['an IPv4 address outside the block', '10.0.0.0/24', '10.0.1.0', false],
      ['a /32 block matches only its address', '192.168.1.7/32', '192.168.1.7', true],
      ['an IPv6 address inside the block', '2001:db8::/32', '2001:db8:1::1', true],
      ['an IPv6 address outside the block', '2001:db8::/32', '2001:db9::1', false],
      ['an IPv6 address against an IPv4 block', '10.0.0.0/8', '::ffff:10.0.0.1', false],
      ['a string that is not an address', '10.0.0.0/8', 'not-an-ip', false],
    ])('%s', (_case, cidr, value, expected) => {
      // Act
      const matched = matchesPattern(onValue([{ cidr }]), withValue(value));

      // Assess
      expect(matched).toBe(expected);
    });
  });

  describe('$or', () => {
    const pattern: EventPattern = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
    };

    it.each([
      ['the first branch', { source: 'aws.cloudwatch', metricName: 'CPUUtilization' }, true],
      ['the second branch', { source: 'aws.cloudwatch', namespace: 'AWS/EC2' }, true],
      ['no branch', { source: 'aws.cloudwatch', metricName: 'Other', namespace: 'AWS/ES' }, false],
      ['a branch but not a sibling key', { source: 'aws.sns', metricName: 'CPUUtilization' }, false],
    ])('matching %s → %s', (_case, event, expected) => {
      // Act
      const matched = matchesPattern(pattern, event);

      // Assess
      expect(matched).toBe(expected);
    });

    it('works inside a nested object, with multi-field branches', () => {
      // Prepare
      const nested: EventPattern = {
        detail: { $or: [{ state: ['failed'] }, { state: ['done'], code: [{ numeric: ['>', 0] }] }] },
      };

      // Act & Assess
      expect(matchesPattern(nested, { detail: { state: 'failed' } })).toBe(true);
      expect(matchesPattern(nested, { detail: { state: 'done', code: 2 } })).toBe(true);
      expect(matchesPattern(nested, { detail: { state: 'done', code: 0 } })).toBe(false);
    });
  });

  describe('unsupported patterns', () => {
    it.each([
      ['a non-array leaf', { detail: { state: 'running' } }, 'detail.state'],
      ['a numeric leaf', { detail: { count: 3 } }, 'detail.count'],
      ['an empty leaf', { source: [] }, 'source'],
      ['an unknown operator', { detail: { name: [{ contains: 'x' }] } }, 'contains'],
      ['an operator object with two keys', { source: [{ prefix: 'a', suffix: 'b' }] }, 'exactly one key'],
      ['an empty operator object', { source: [{}] }, 'exactly one key'],
      ['a nested array alternative', { source: [['a']] }, 'source'],
      ['an empty pattern', {}, 'must not be empty'],
      ['an empty nested pattern', { detail: {} }, 'detail'],
      ['prefix with a number', { source: [{ prefix: 1 }] }, 'prefix'],
      ['prefix with an unknown modifier', { source: [{ prefix: { 'ignore-case': 'a' } }] }, 'prefix'],
      ['equals-ignore-case with a number', { source: [{ 'equals-ignore-case': 1 }] }, 'equals-ignore-case'],
      ['exists with a string', { source: [{ exists: 'true' }] }, 'exists'],
      ['anything-but with a boolean', { source: [{ 'anything-but': true }] }, 'anything-but'],
      ['anything-but with a mixed list', { source: [{ 'anything-but': ['a', 1] }] }, 'anything-but'],
      ['anything-but with an empty list', { source: [{ 'anything-but': [] }] }, 'anything-but'],
      ['anything-but with an unknown operator', { source: [{ 'anything-but': { numeric: ['>', 1] } }] }, 'numeric'],
      ['numeric with an odd list', { n: [{ numeric: ['>', 0, '<'] }] }, 'numeric'],
      ['numeric with an unknown comparison', { n: [{ numeric: ['!=', 0] }] }, 'numeric'],
      ['numeric with a string bound', { n: [{ numeric: ['>', '0'] }] }, 'numeric'],
      ['cidr without a prefix length', { ip: [{ cidr: '10.0.0.1' }] }, 'cidr'],
      ['cidr with a prefix length too long', { ip: [{ cidr: '10.0.0.0/33' }] }, 'cidr'],
      ['cidr with a bad address', { ip: [{ cidr: '10.0.0/8' }] }, 'cidr'],
      ['a wildcard with consecutive stars', { f: [{ wildcard: 'a**b' }] }, 'consecutive'],
      ['a wildcard with an unknown escape', { f: [{ wildcard: String.raw`a\b` }] }, 'escape'],
      ['$or that is not an array', { $or: { a: ['x'] } }, '$or'],
      ['$or with a single branch', { $or: [{ a: ['x'] }] }, '$or'],
      ['$or with a non-object branch', { $or: [{ a: ['x'] }, ['y']] }, 'pattern must be an object'],
    ])('throws for %s', (_case, pattern, mentioned) => {
      // Act
      const match = (): boolean => matchesPattern(pattern, { source: 'x' });

      // Assess
      expect(match).toThrow(UnsupportedPatternError);
      expect(match).toThrow(mentioned);
    });

    it('names the error and the path and operator in the message', () => {
      // Act
      const error = captureError(() => matchesPattern({ detail: { name: [{ contains: 'x' }] } }, {}));

      // Assess
      expect(error).toBeInstanceOf(UnsupportedPatternError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('UnsupportedPatternError');
      expect(error.message).toBe('unsupported operator "contains" at "detail.name"');
    });

    it('names the path of a non-array leaf', () => {
      // Act
      const error = captureError(() => matchesPattern({ detail: { state: 'running' } }, {}));

      // Assess
      expect(error.message).toContain('"detail.state"');
      expect(error.message).toContain('"running"');
    });

    it('throws even when an earlier alternative already matches', () => {
      // Act
      const match = (): boolean => matchesPattern({ source: ['x', { contains: 'x' }] }, { source: 'x' });

      // Assess
      expect(match).toThrow(UnsupportedPatternError);
    });

    it('throws even when the event is not an object', () => {
      // Act
      const match = (): boolean => matchesPattern({ source: 'x' }, null);

      // Assess
      expect(match).toThrow(UnsupportedPatternError);
    });
  });
});

function captureError(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`expected an Error, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the action to throw');
}
