/**
 * The redactor's prefilters are cheap tests run before the rules (most text from an event holds
 * nothing to redact, and classify redacts every string of every finding). Each must be a
 * necessary condition of what it guards: a text a prefilter rejects must be one its rules would
 * leave unchanged, or a secret would pass. Held here over generated text biased towards the
 * rules' own pieces (key words, separators, quotes, token runs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksRandom, prefilters } from '../../shared/contracts/redact.js';

const PIECES = [
  'password',
  'Pass',
  'pwd',
  'PASSWD',
  'passphrase',
  'secret',
  'SECRET',
  'Secret',
  'secret_key',
  'secret-access-key',
  'SecretString',
  'client_secret',
  'api_key',
  'x-api-key',
  'private_key',
  'token',
  'access_token',
  'AuthToken',
  'credentials',
  'credential',
  'app_',
  'db-',
  ':',
  '=',
  ' ',
  '  ',
  '"',
  "'",
  '\\"',
  '/',
  ':secret:',
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:',
  'prod/db',
  'PRIVATE KEY',
  '-----BEGIN RSA PRIVATE KEY-----',
  'eyJ',
  'hbGciOi',
  '.',
  'AKIA',
  'ASIA',
  'ABCDEFGHIJKLMNOP',
  'xoxb-',
  'xapp-',
  'hooks.slack.com/',
  'services/',
  'ghp_',
  'github_pat_',
  'glpat-',
  'sk_live_',
  '_test_',
  'AIza',
  'npm_',
  '://',
  'user',
  '@',
  'host',
  'Bearer',
  'Basic',
  'Digest',
  'abcdefgh12345678',
  'Zq7Rw2Kx9Lm4Np3B',
  '+',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  '{',
  '}',
  ',',
];

const text = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 })), { maxLength: 14 }).map((parts) => parts.join(''));

/** Whether `pattern` (global) matches anywhere in `value`, without disturbing its state. */
const matches = (pattern: RegExp, value: string): boolean => new RegExp(pattern.source, pattern.flags.replace('g', '')).test(value);

describe('Redaction prefilters', () => {
  it('a rule matches only text its cue accepts, and the combined cue accepts it too', () => {
    fc.assert(
      fc.property(text, (value) => {
        for (const rule of prefilters.preciseRules) {
          if (!matches(rule.pattern, value)) continue;
          expect(rule.cue.test(value), `${rule.kind} matches ${JSON.stringify(value)} but its cue rejects it`).toBe(true);
          expect(prefilters.anyCue.test(value), `${rule.kind} matches ${JSON.stringify(value)} but the combined cue rejects it`).toBe(true);
        }
      }),
      { numRuns: 4000 },
    );
  });

  it('the generic rule finds something to mask only in text the random-token prefilter accepts', () => {
    fc.assert(
      fc.property(text, (value) => {
        const maskable =
          matches(prefilters.awsSecretKey, value) || [...value.matchAll(prefilters.candidate)].some(([token]) => looksRandom(token));
        if (maskable) expect(prefilters.mayHoldRandomToken(value), JSON.stringify(value)).toBe(true);
      }),
      { numRuns: 4000 },
    );
  });

  it('text the inert test passes is text no rule changes', () => {
    // The inert characters, and access key ids (capitals and digits) that a looser test would let by.
    const inertText = fc
      .array(fc.constantFrom(...'0123456789TZ:.+-', ' ', 'AKIAIOSFODNN7EXAMPLE', 'ASIAY34FZKBOKMUTVV7A'), { maxLength: 60 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(fc.oneof(text, inertText), (value) => {
        if (!prefilters.inert.test(value)) return;
        for (const rule of prefilters.preciseRules)
          expect(matches(rule.pattern, value), `${rule.kind} on ${JSON.stringify(value)}`).toBe(false);
        expect(matches(prefilters.awsSecretKey, value)).toBe(false);
        expect([...value.matchAll(prefilters.candidate)].some(([token]) => looksRandom(token))).toBe(false);
      }),
      { numRuns: 4000 },
    );
  });

  it('the key=value cue rejects the ARN of a secret, which every finding quotes', () => {
    // Prepare
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/stripe-key-AbCdEf';
    // Act and Assess
    expect(prefilters.anyCue.test(arn)).toBe(false);
    expect(prefilters.mayHoldRandomToken(arn)).toBe(false);
  });

  it('the key=value cue still accepts a setting written after a colon', () => {
    expect(prefilters.anyCue.test('x:secret=hunter2')).toBe(true);
    expect(prefilters.anyCue.test('{"secret": "hunter2"}')).toBe(true);
  });
});
