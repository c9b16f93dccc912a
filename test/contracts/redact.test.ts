/**
 * The redactor: what it masks (each shape, whole), what it must leave alone (the identifiers an
 * alert shows, every string of every sample event), and how well its generic rule catches random
 * tokens of each alphabet — measured on seeded random strings, so the numbers in redact.ts's
 * comment are checked, not claimed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactFreeText, redactIdentifier } from '../../shared/contracts/redact.js';
import { eventsDir, publishedFixturesDir } from '../helpers/events.js';

/** A small seeded generator (mulberry32): the same "random" tokens on every run. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const tokenOf = (random: () => number, alphabet: string, length: number) =>
  Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

describe('Function: redactFreeText', () => {
  it.each([
    ['an AWS access key id', 'key AKIAIOSFODNN7EXAMPLE used', 'key [REDACTED AWS access key id] used'],
    ['a temporary access key id', 'ASIAY34FZKBOKMUTVV7A', '[REDACTED AWS access key id]'],
    ['a secret access key', 'secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY here', 'secret [REDACTED AWS secret access key] here'],
    ['aws_secret_access_key=', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG', 'aws_secret_access_key = [REDACTED value]'],
    [
      'a private key block',
      'got -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7x\n-----END RSA PRIVATE KEY----- back',
      'got [REDACTED private key] back',
    ],
    ['a cut private key block', 'key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'key: [REDACTED private key]'],
    ['a JWT', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c ok', 'token [REDACTED JWT] ok'],
    ['a Slack bot token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', '[REDACTED Slack token]'],
    [
      'a Slack webhook',
      'posting to https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX failed',
      'posting to https://hooks.slack.com/services/[REDACTED Slack webhook] failed',
    ],
    ['a GitHub token', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a', '[REDACTED GitHub token]'],
    ['a Stripe key', 'stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'stripe [REDACTED Stripe key]'],
    ['password=', 'login failed: user=app password=Tr0ub4dor&3 host=db', 'login failed: user=app password=[REDACTED value]&3 host=db'],
    ['a JSON secret', '{"username":"app","password":"hunter2 with spaces"}', '{"username":"app","password":[REDACTED value]}'],
    ['DB_PASSWORD:', 'DB_PASSWORD: s3cr3t-v4lue', 'DB_PASSWORD: [REDACTED value]'],
    ['SecretString=', 'SecretString={"user":"app"}', 'SecretString=[REDACTED value]'],
    ['client_secret:', 'client_secret: abc123def456', 'client_secret: [REDACTED value]'],
    ['token=', 'callback?token=abcdef123456&x=1', 'callback?token=[REDACTED value]&x=1'],
    [
      'a connection string',
      'connect postgres://app:S3cret!pass@db.internal:5432/orders failed',
      'connect postgres://app:[REDACTED password]@db.internal:5432/orders failed',
    ],
    ['a bearer token', 'Authorization: Bearer 0b79bab50daca910b000d4f1a2b675d604257e42', 'Authorization: Bearer [REDACTED credential]'],
    ['a long random token', 'api key Zx8Qw2Lm9Rt4Vb7Np3Kd6Hs1Jf5Gc0Ty8Ue2Wi4Oa6Pq in the log', 'api key [REDACTED token] in the log'],
    ['a 40-digit hex token', 'x-hash 3f786850e387550fdab836ed7e6dc881de23001b end', 'x-hash [REDACTED token] end'],
  ])('masks %s, whole', (_what, text, expected) => {
    expect(redactFreeText(text)).toBe(expected);
  });

  it.each([
    'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op',
    'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_SecretsAdministratorAccess_0123456789abcdef',
    'arn:aws:sts::123456789012:assumed-role/GitHubActionsDeployRole-Prod/GitHubActions-1234567890',
    'arn:aws:iam::123456789012:role/service-role/SecretsManagerRotationRole-XyZ123AbC456',
    'arn:aws:lambda:us-east-1:123456789012:function:SecretsManagerRDSPostgreSQLRotationSingleUser-2Xk9qLmP',
    'arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab',
    'version 0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003 holds AWSPENDING since 2026-11-22T02:47:31Z',
    'from 198.51.100.23 and 2001:db8::ff00:42:8329 through vpce-0a1b2c3d4e5f67890',
    'Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#5.10.210-220.852.amzn2.x86_64 exec-env/AWS_Lambda_python3.12',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    '1 of 2 statements open the secret: AllowEveryone grants access to everyone (*)',
    'the security token included in the request is invalid; Basic authentication is not supported',
    'finding c36c0444-d3a8-52e7-8c7b-bbc99fb41c08/secret-deleted',
    'User: arn:aws:sts::123456789012:assumed-role/ci-deployer/gh-actions-8812 is not authorized to perform: secretsmanager:GetSecretValue',
  ])('leaves an identifier or prose alone: %s', (text) => {
    expect(redactFreeText(text)).toBe(text);
  });

  it('leaves alone the identifiers it is told the alert shows, where prose quotes them', () => {
    // Prepare: a session name that is a random hex task id.
    const principal = 'arn:aws:sts::123456789012:assumed-role/payments-api-task-role/7f3c2a1b9d8e4f60a5b4c3d2e1f00987';
    const reason = `${principal} (assumed-role) read prod/payments/db from outside any VPC endpoint`;

    // Act / Assess
    expect(redactFreeText(reason, [principal])).toBe(reason);
    expect(redactFreeText(reason)).toContain('[REDACTED token]');
  });

  it('changes no string of any sample event but access key ids and one random session name', () => {
    // Prepare
    const strings: string[] = [];
    const walk = (value: unknown): void => {
      if (typeof value === 'string') strings.push(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(walk);
    };
    const files = [
      ...readdirSync(eventsDir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.json'))
        .map((f) => join(eventsDir, f)),
      ...readdirSync(publishedFixturesDir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => join(publishedFixturesDir, f)),
    ];
    for (const file of files) walk(JSON.parse(readFileSync(file, 'utf8')));

    // Act
    const changed = [...new Set(strings.filter((s) => redactFreeText(s) !== s))].sort();

    // Assess: the session name is a 32-digit hex task id; the alert shows it from the actor's own
    // field (an identifier), and keeps it where prose quotes it (see the test above).
    expect(strings.length).toBeGreaterThan(500);
    expect(changed.filter((s) => !/^(AKIA|ASIA)[A-Z0-9]{16}$/.test(s))).toEqual([
      'AROAEXAMPLE86956397:7f3c2a1b9d8e4f60a5b4c3d2e1f00987',
      'arn:aws:sts::123456789012:assumed-role/payments-api-task-role/7f3c2a1b9d8e4f60a5b4c3d2e1f00987',
    ]);
  });

  it('is idempotent: a masked text stays as it is', () => {
    // Prepare
    const text = 'client_secret: abc123def456 password=x AKIAIOSFODNN7EXAMPLE postgres://a:b@h/x';

    // Act
    const once = redactFreeText(text);

    // Assess
    expect(redactFreeText(once)).toBe(once);
  });

  it.each([
    { label: 'base62, 48 characters', alphabet: ALNUM, length: 48, tolerated: 0 },
    { label: 'base62, 40 characters (the shape of an AWS secret key)', alphabet: ALNUM, length: 40, tolerated: 0 },
    // One in a thousand has no digit: left to the generic rule, which catches most of those.
    { label: 'base64, 40 characters', alphabet: `${ALNUM}+/`, length: 40, tolerated: 0.001 },
    { label: 'hex, 40 characters', alphabet: '0123456789abcdef', length: 40, tolerated: 0 },
    { label: 'base62, 32 characters', alphabet: ALNUM, length: 32, tolerated: 0.02 },
    { label: 'lowercase and digits, 40 characters', alphabet: 'abcdefghijklmnopqrstuvwxyz0123456789', length: 40, tolerated: 0.05 },
  ])('catches random tokens of $label (misses at most $tolerated of them)', ({ alphabet, length, tolerated }) => {
    // Prepare
    const random = seeded(length * 7919 + alphabet.length);
    const tokens = Array.from({ length: 2000 }, () => tokenOf(random, alphabet, length)).filter(
      (t) => alphabet !== ALNUM || (/[A-Z]/.test(t) && /[a-z]/.test(t) && /\d/.test(t)),
    );

    // Act
    const missed = tokens.filter((t) => redactFreeText(`seen ${t} in the log`).includes(t.slice(0, 8)));

    // Assess
    expect(missed.length / tokens.length).toBeLessThanOrEqual(tolerated);
  });
});

describe('Function: redactIdentifier', () => {
  it('masks the precise shapes in an identifier, and nothing else', () => {
    expect(redactIdentifier('prod/AKIAIOSFODNN7EXAMPLE')).toBe('prod/[REDACTED AWS access key id]');
    expect(redactIdentifier('prod/db password=hunter2')).toBe('prod/db password=[REDACTED value]');
    expect(redactIdentifier('arn:aws:sts::123456789012:assumed-role/payments-api-task-role/7f3c2a1b9d8e4f60a5b4c3d2e1f00987')).toBe(
      'arn:aws:sts::123456789012:assumed-role/payments-api-task-role/7f3c2a1b9d8e4f60a5b4c3d2e1f00987',
    );
    // By design: a random-looking name is still the name on-call must type.
    expect(redactIdentifier('teams/Zx8Qw2Lm9Rt4Vb7Np3Kd6Hs1Jf5Gc0Ty8Ue2Wi4Oa6Pq')).toBe(
      'teams/Zx8Qw2Lm9Rt4Vb7Np3Kd6Hs1Jf5Gc0Ty8Ue2Wi4Oa6Pq',
    );
  });
});
