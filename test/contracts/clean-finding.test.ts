/**
 * The redaction boundary: every string a finding took from an event leaves `redactBuiltFinding`,
 * `redactRemediation` and `cleanFinding` redacted, whatever field it sits in; only what this
 * process wrote itself (the catalogue's fields, when it built the finding) and the carried record
 * pass as they are, and the secret's handle stays exact where the actions must call AWS with it.
 */
import { describe, expect, it } from 'vitest';
import { boundFindingId, cleanFinding, redactBuiltFinding, redactRemediation } from '../../shared/contracts/clean-finding.js';
import type { ActionResult, Finding } from '../../shared/contracts/finding.js';
import { findingEventOf } from '../helpers/alerts.js';

/** A key id the precise rules recognise wherever it stands: in prose and in an identifier alike. */
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const KEY_ID_MARKER = '[REDACTED AWS access key id]';
/** A random-looking token only the generic (free-text) rule masks. */
const TOKEN = 'Kx9mQ2vL7pR4tY8wZ3nB6cD1';

const CATALOGUE_FIELDS = ['rule', 'title', 'severity', 'control', 'practices', 'actions'] as const;

/** A real finding (classify over a sample event), with evidence of every shape a finding holds. */
const sampleFinding = async (): Promise<Finding> => {
  const { detail } = await findingEventOf('rotation-failed/fires.RotationFailed.authored.set-secret.json');
  return {
    ...detail,
    practices: [3, 7],
    actor: { ...detail.actor, sessionArn: 'arn:aws:sts::123456789012:assumed-role/SecretsAdmin/alice' },
    evidence: {
      ...detail.evidence,
      offendingStatements: [{ id: 'AllowEveryone', reasons: ['Principal is *'], principals: ['*'] }],
      deniedSecrets: ['prod/payments/db'],
      changedTagKeys: ['owner'],
      recoveryWindowInDays: 7,
      forceDeleteWithoutRecovery: false,
    },
    notes: ['the ARN was redacted by CloudTrail'],
  };
};

/** `value` with `change` applied to every string in it, at any depth. */
const mapStrings = <T>(value: T, change: (text: string) => string): T => {
  if (typeof value === 'string') return change(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => mapStrings(item, change)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, change)])) as T;
  return value;
};

/** Every string in `value`, with its path (`evidence.offendingStatements.0.id`). */
const stringsIn = (value: unknown, path = ''): [string, string][] => {
  if (typeof value === 'string') return [[path, value]];
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => stringsIn(item, path === '' ? key : `${path}.${key}`));
  return [];
};

/** Every string of the finding but the record with the key id after it: event text that holds a credential. */
const poisoned = (finding: Finding): Finding => {
  const { record, ...rest } = finding;
  return { ...mapStrings(rest, (text) => `${text} ${KEY_ID}`), ...(record ? { record } : {}) };
};

const isCatalogueField = (path: string): boolean => CATALOGUE_FIELDS.some((field) => path === field || path.startsWith(`${field}.`));

const aResult = (change: Partial<ActionResult> = {}): ActionResult => ({
  type: 'clear-stale-pending',
  outcome: 'applied',
  reason: 'moved AWSPENDING off the failed version',
  mode: 'enforce',
  versionId: '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003',
  before: { '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003': ['AWSPENDING'] },
  after: { '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003': [] },
  state: { before: 'AWSPENDING on a failed version', after: 'no AWSPENDING' },
  account: '123456789012',
  region: 'us-east-1',
  ...change,
});

describe('redactBuiltFinding: the finding as classify builds it', () => {
  it('redacts a credential in every field that came from the event, nested fields and arrays included', async () => {
    // Prepare
    const finding = poisoned(await sampleFinding());

    // Act
    const redacted = redactBuiltFinding(finding);

    // Assess
    const eventFields = stringsIn({ ...redacted, record: undefined }).filter(([path]) => !isCatalogueField(path));
    expect(eventFields.map(([path]) => path)).toEqual(
      expect.arrayContaining(['id', 'reason', 'secret.id', 'actor.principal', 'actor.userAgent', 'event.name', 'evidence.errorMessage']),
    );
    expect(eventFields.map(([path]) => path)).toEqual(
      expect.arrayContaining(['evidence.offendingStatements.0.principals.0', 'evidence.deniedSecrets.0', 'notes.0']),
    );
    expect(eventFields.filter(([, text]) => text.includes(KEY_ID))).toStrictEqual([]);
    expect(eventFields.filter(([, text]) => !text.endsWith(KEY_ID_MARKER))).toStrictEqual([]);
  });

  it('leaves the fields the catalogue gave as they are: they hold no event text', async () => {
    // Prepare
    const finding = poisoned(await sampleFinding());

    // Act
    const redacted = redactBuiltFinding(finding);

    // Assess
    for (const field of CATALOGUE_FIELDS) expect(redacted[field], field).toStrictEqual(finding[field]);
    expect(redacted.title).toBe(`Secret rotation failed ${KEY_ID}`);
  });

  it('keeps numbers and booleans as they are', async () => {
    // Prepare
    const finding = await sampleFinding();

    // Act
    const redacted = redactBuiltFinding(finding);

    // Assess
    expect(redacted.evidence.recoveryWindowInDays).toBe(7);
    expect(redacted.evidence.forceDeleteWithoutRecovery).toBe(false);
    expect(redacted.needsRemediation).toBe(true);
    expect(redacted.actor.isPerson).toBe(false);
  });

  it('changes nothing in a finding with nothing to redact', async () => {
    // Prepare
    const finding = await sampleFinding();

    // Act
    const redacted = redactBuiltFinding(finding);

    // Assess
    expect(redacted).toStrictEqual(finding);
  });

  it('carries the record untouched, credential and all: it is classified again, never rendered', async () => {
    // Prepare
    const sample = await sampleFinding();
    const record = { ...sample.record, detail: { errorMessage: `boom ${KEY_ID}`, userAgent: TOKEN } };
    const finding = { ...sample, record };

    // Act
    const built = redactBuiltFinding(finding);
    const { finding: onTheBus } = redactRemediation({ finding, result: aResult() });

    // Assess
    expect(built.record).toStrictEqual(record);
    expect(onTheBus.record).toStrictEqual(record);
  });

  it('keeps exact a secret id, ARN or name Secrets Manager would accept, though it looks like a credential', async () => {
    // Prepare: a secret named like a key id is a name on-call must be able to type, and the action must call AWS with.
    const sample = await sampleFinding();
    const arn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${KEY_ID}-AbCdEf`;
    const finding: Finding = { ...sample, secret: { ...sample.secret, id: arn, arn, name: KEY_ID } };

    // Act
    const redacted = redactBuiltFinding(finding);

    // Assess
    expect(redacted.secret).toStrictEqual(finding.secret);
  });

  it('judges a secret id Secrets Manager would refuse, and every other identifier, by the identifier rules', async () => {
    // Prepare
    const sample = await sampleFinding();
    const finding: Finding = {
      ...sample,
      secret: { ...sample.secret, id: `prod db ${KEY_ID}` },
      actor: { ...sample.actor, principal: `arn:aws:iam::123456789012:user/${KEY_ID}` },
    };

    // Act
    const redacted = redactBuiltFinding(finding);

    // Assess
    expect(redacted.secret.id).toBe(`prod db ${KEY_ID_MARKER}`);
    expect(redacted.actor.principal).toBe(`arn:aws:iam::123456789012:user/${KEY_ID_MARKER}`);
  });

  it('shows a random-looking identifier whole, and masks the same token in prose unless the prose quotes the identifier', async () => {
    // Prepare
    const sample = await sampleFinding();
    const principal = `arn:aws:iam::123456789012:role/${TOKEN}`;
    const finding: Finding = {
      ...sample,
      actor: { ...sample.actor, principal, userAgent: `cli/2 key ${TOKEN}` },
      evidence: { ...sample.evidence, errorMessage: `AccessDenied for ${principal}` },
    };

    // Act
    const redacted = redactBuiltFinding(finding);

    // Assess
    expect(redacted.actor.principal).toBe(principal);
    expect(redacted.actor.userAgent).toBe('cli/2 key [REDACTED token]');
    expect(redacted.evidence.errorMessage).toBe(`AccessDenied for ${principal}`);
  });
});

describe('redactRemediation: an action result as it goes on the bus', () => {
  it('judges every field of the finding, the catalogue fields too: the finding came from the bus', async () => {
    // Prepare
    const finding = poisoned(await sampleFinding());

    // Act
    const { finding: redacted } = redactRemediation({ finding, result: aResult() });

    // Assess
    expect(stringsIn(redacted).filter(([, text]) => text.includes(KEY_ID))).toStrictEqual([]);
    expect(redacted.title).toBe(`Secret rotation failed ${KEY_ID_MARKER}`);
    expect(redacted.actions).toStrictEqual([`clear-stale-pending ${KEY_ID_MARKER}`]);
  });

  it('keeps the secret handle exact, as redactBuiltFinding does', async () => {
    // Prepare
    const sample = await sampleFinding();
    const finding: Finding = { ...sample, secret: { ...sample.secret, name: KEY_ID } };

    // Act
    const { finding: redacted } = redactRemediation({ finding, result: aResult() });

    // Assess
    expect(redacted.secret.name).toBe(KEY_ID);
  });

  it("cleans the result's words, version, stages and place, and keeps what the action set itself", async () => {
    // Prepare
    const finding = await sampleFinding();
    const version = `0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003 ${KEY_ID}`;
    const result = mapStrings(aResult({ before: { [version]: ['AWSPENDING'] }, after: { [version]: [] } }), (text) => `${text} ${KEY_ID}`);

    // Act
    const { result: cleaned } = redactRemediation({ finding, result });

    // Assess
    expect(cleaned).toStrictEqual({
      ...result,
      reason: `moved AWSPENDING off the failed version ${KEY_ID_MARKER}`,
      versionId: `0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003 ${KEY_ID_MARKER}`,
      before: { [`0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003 ${KEY_ID_MARKER}`]: [`AWSPENDING ${KEY_ID_MARKER}`] },
      after: { [`0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003 ${KEY_ID_MARKER}`]: [] },
      state: { before: `AWSPENDING on a failed version ${KEY_ID_MARKER}`, after: `no AWSPENDING ${KEY_ID_MARKER}` },
      account: `123456789012 ${KEY_ID_MARKER}`,
      region: `us-east-1 ${KEY_ID_MARKER}`,
    });
  });

  it("keeps a result's real account and region as they are", async () => {
    // Act
    const { result: cleaned } = redactRemediation({ finding: await sampleFinding(), result: aResult() });

    // Assess
    expect(cleaned).toMatchObject({ account: '123456789012', region: 'us-east-1' });
  });

  it('adds no optional result field the action left out', async () => {
    // Prepare
    const finding = await sampleFinding();
    const result: ActionResult = { type: 'enable-rotation', outcome: 'skipped', reason: 'already on', mode: 'dry-run' };

    // Act
    const { result: cleaned } = redactRemediation({ finding, result });

    // Assess
    expect(cleaned).toStrictEqual(result);
  });

  it("leaves whole the secret's name where the result's reason quotes it, though it looks random", async () => {
    // Prepare
    const sample = await sampleFinding();
    const name = `prod/${TOKEN}`;
    const finding: Finding = { ...sample, secret: { ...sample.secret, id: name, arn: undefined, name } };

    // Act
    const { result } = redactRemediation({ finding, result: aResult({ reason: `rotated ${name}; token ${TOKEN}x` }) });

    // Assess
    expect(result.reason).toBe(`rotated ${name}; token [REDACTED token]`);
  });
});

describe('cleanFinding: a finding and result as a rendering reads them', () => {
  it('judges every identifier, the secret handle included, and every catalogue field', async () => {
    // Prepare
    const sample = await sampleFinding();
    const arn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${KEY_ID}-AbCdEf`;
    const finding: Finding = { ...sample, title: `Rotation failed ${KEY_ID}`, secret: { ...sample.secret, id: arn, arn, name: KEY_ID } };

    // Act
    const { finding: cleaned } = cleanFinding(finding);

    // Assess
    expect(cleaned.secret.id).toBe(`arn:aws:secretsmanager:us-east-1:123456789012:secret:${KEY_ID_MARKER}-AbCdEf`);
    expect(cleaned.secret.arn).toBe(cleaned.secret.id);
    expect(cleaned.secret.name).toBe(KEY_ID_MARKER);
    expect(cleaned.title).toBe(`Rotation failed ${KEY_ID_MARKER}`);
  });

  it('returns no result without one, and the cleaned result with one', async () => {
    // Prepare
    const finding = await sampleFinding();

    // Act
    const alone = cleanFinding(finding);
    const withResult = cleanFinding(finding, aResult({ reason: `failed: ${KEY_ID}` }));

    // Assess
    expect(alone).not.toHaveProperty('result');
    expect(withResult.result?.reason).toBe(`failed: ${KEY_ID_MARKER}`);
  });

  it('does not change the finding it was given', async () => {
    // Prepare
    const finding = poisoned(await sampleFinding());
    const before = structuredClone(finding);

    // Act
    cleanFinding(finding, aResult());

    // Assess
    expect(finding).toStrictEqual(before);
  });
});

describe('boundFindingId', () => {
  it('keeps an id of up to 512 characters as it is', () => {
    const id = `${'e'.repeat(496)}/rotation-failed`;

    expect(id).toHaveLength(512);
    expect(boundFindingId(id)).toBe(id);
  });

  it('cuts a longer id to 512 characters: its start and a hash of the whole', () => {
    // Prepare
    const id = `${'e'.repeat(600)}/rotation-failed`;

    // Act
    const bounded = boundFindingId(id);

    // Assess
    expect(bounded).toHaveLength(512);
    expect(bounded).toMatch(/^e{464}#sha256-[0-9a-f]{40}$/);
    expect(boundFindingId(id)).toBe(bounded);
  });

  it('keeps two long ids that differ only past the cut apart', () => {
    const start = 'e'.repeat(600);

    expect(boundFindingId(`${start}/rotation-failed`)).not.toBe(boundFindingId(`${start}/rotation-disabled`));
  });

  it("bounds a finding's id after redacting it", async () => {
    // Prepare
    const sample = await sampleFinding();
    const finding: Finding = { ...sample, id: `${KEY_ID} ${'e'.repeat(600)}` };

    // Act
    const { id } = redactBuiltFinding(finding);

    // Assess
    expect(id).toHaveLength(512);
    expect(id.startsWith(`${KEY_ID_MARKER} eee`)).toBe(true);
    expect(id).not.toContain(KEY_ID);
  });
});
