/**
 * The synthetic account is what the sweep benchmark and the scale tests measure against: its
 * ListSecrets must mean what the sandbox's (and AWS's) does, checked here against every name.
 */
import { describe, expect, it } from 'vitest';
import { InvalidSecretStateError, SecretNotFoundError } from '../../shared/errors.js';
import type { ListSecretsRequest } from '../../shared/ports/secrets.js';
import { SyntheticSecrets } from '../../shared/sandbox/synthetic-secrets.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const COUNT = 3000;
const account = new SyntheticSecrets({ count: COUNT, seed: 7, now: NOW });
const names = Array.from({ length: COUNT }, (_, i) => account.nameOf(i));

/** Every page of a filter. */
const listAll = async (port: SyntheticSecrets, request: Omit<ListSecretsRequest, 'nextToken'> = {}) => {
  const pages: { names: string[]; created: number[] }[] = [];
  let nextToken: string | undefined;
  do {
    const page = await port.listSecrets({ ...request, ...(nextToken ? { nextToken } : {}) });
    pages.push({ names: page.secrets.map((s) => s.name), created: page.secrets.map((s) => s.createdDate?.getTime() ?? Number.NaN) });
    nextToken = page.nextToken;
  } while (nextToken);
  return pages;
};

const isSorted = (values: readonly number[]): boolean => values.every((value, i) => i === 0 || (values[i - 1] ?? value) <= value);

describe('Class: SyntheticSecrets', () => {
  it('is the same account for the same seed, and another for another seed', () => {
    // Act
    const again = new SyntheticSecrets({ count: COUNT, seed: 7, now: NOW });
    const other = new SyntheticSecrets({ count: COUNT, seed: 8, now: NOW });

    // Assess
    expect(Array.from({ length: COUNT }, (_, i) => again.nameOf(i))).toStrictEqual(names);
    expect(Array.from({ length: COUNT }, (_, i) => other.nameOf(i))).not.toStrictEqual(names);
    expect(new Set(names).size).toBe(COUNT);
  });

  it('has skewed names starting with digits, each of / _ + = . @ -, both cases, and RDS-managed ones', () => {
    // Act
    const firsts = new Set(names.map((name) => name[0]));
    const underProd = names.filter((name) => name.startsWith('prod/')).length;

    // Assess
    for (const c of '/_+=.@-') expect(firsts).toContain(c);
    expect([...firsts].filter((c) => /[0-9]/.test(c ?? '')).length).toBeGreaterThan(3);
    expect([...firsts].some((c) => /[A-Z]/.test(c ?? ''))).toBe(true);
    expect(names.some((name) => name.startsWith('rds!db-'))).toBe(true);
    expect(underProd / COUNT).toBeGreaterThan(0.35);
    expect(names.slice(0, 4)).toStrictEqual(['prod', 'prod/', 'staging/app', 'p']);
  });

  it('lists every secret once, 100 a page, oldest first', async () => {
    // Act
    const pages = await listAll(account);

    // Assess
    expect(pages.map((p) => p.names.length)).toStrictEqual(Array(30).fill(100));
    expect([...pages.flatMap((p) => p.names)].sort()).toStrictEqual([...names].sort());
    expect(isSorted(pages.flatMap((p) => p.created))).toBe(true);
    expect(Math.max(...pages.flatMap((p) => p.created))).toBe(NOW.getTime());
  });

  it.each([
    [['prod/']],
    [['p']],
    [['Prod/', 'prod/payments/']],
    [['-', '_', '+', '=', '.', '@', '/', '1', 'rds!', 'x']],
    [['!prod/']],
    [['nothing-starts-so']],
  ])('lists with the filter %j exactly the names it matches', async (namePrefixes) => {
    // Prepare
    const matches = (name: string) => namePrefixes.some((v) => (v.startsWith('!') ? !name.startsWith(v.slice(1)) : name.startsWith(v)));

    // Act
    const listed = (await listAll(account, { namePrefixes })).flatMap((p) => p.names);

    // Assess
    expect([...listed].sort()).toStrictEqual(names.filter(matches).sort());
  });

  it('lists in name order when created in name order', async () => {
    // Prepare
    const byName = new SyntheticSecrets({ count: 500, seed: 7, now: NOW, creationOrder: 'by-name' });

    // Act
    const listed = (await listAll(byName, { namePrefixes: ['prod/', 'staging/'] })).flatMap((p) => p.names);

    // Assess
    expect(listed).toStrictEqual([...listed].sort());
    expect(listed.length).toBeGreaterThan(100);
  });

  it('refuses a NextToken used with another filter', async () => {
    // Prepare
    const first = await account.listSecrets({ namePrefixes: ['prod/'] });

    // Act
    const outcome = account.listSecrets({ namePrefixes: ['staging/'], ...(first.nextToken ? { nextToken: first.nextToken } : {}) });

    // Assess
    expect(first.nextToken).toBeDefined();
    await expect(outcome).rejects.toBeInstanceOf(InvalidSecretStateError);
  });

  it('describes a secret by name, full ARN and partial ARN, as it lists it', async () => {
    // Prepare
    const [listed] = (await account.listSecrets({ namePrefixes: ['staging/app/'] })).secrets;
    if (!listed) throw new Error('nothing listed');

    // Act
    const found = [
      await account.describeSecret(listed.name),
      await account.describeSecret(listed.arn),
      await account.describeSecret(listed.arn.slice(0, -7)),
    ];

    // Assess
    expect(found).toStrictEqual([listed, listed, listed]);
    expect(account.indexOfArn(listed.arn)).toBe(names.indexOf(listed.name));
    await expect(account.describeSecret('prod/ghost')).rejects.toBeInstanceOf(SecretNotFoundError);
    await expect(account.describeSecret(`${listed.arn.slice(0, -6)}AAAAAA`)).rejects.toBeInstanceOf(SecretNotFoundError);
  });

  it('refuses the operations it has no data for, saying so', async () => {
    // Act
    const outcome = account.restoreSecret();

    // Assess
    await expect(outcome).rejects.toThrow(/supports the sweep's reads only, not restoreSecret/);
  });
});
