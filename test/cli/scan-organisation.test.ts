/**
 * `scan` across accounts: `--accounts` / `--organization`, `--regions`, `--role-name`. Flags that
 * do not go together are usage errors (exit 2) in a real process; the read role is assumed per
 * account-region with STS (mocked here), every finding names its account and region, and an
 * account-region whose role cannot be assumed is named with the role's ARN and what to do (exit 2
 * after the others are read).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runScan } from '../../shared/cli/scan-command.js';
import { DEFAULT_ENABLED_REGIONS, parseRegions, scanTargets } from '../../shared/cli/scan-organisation.js';
import { findingSchema } from '../../shared/contracts/finding.js';
import { MemoryOrganizations } from '../../shared/sandbox/memory-organizations.js';
import { CLI_BIN } from '../helpers/cli.js';
import { organisationPolicy } from '../helpers/organisation.js';
import { repoRoot } from '../helpers/events.js';

const scan = async (...args: string[]): Promise<{ code: number; stderr: string }> => {
  try {
    await promisify(execFile)(process.execPath, [CLI_BIN, 'scan', '--no-progress', ...args], {
      cwd: repoRoot,
      timeout: 60_000,
      env: { PATH: process.env.PATH, HOME: tmpdir(), NODE_NO_WARNINGS: '1' },
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
};

describe('scan across accounts: flags', () => {
  it.each([
    [['--accounts', '4444-5555-6666'], 'expected 12-digit account ids separated by commas, not 4444-5555-6666'],
    [['--accounts', '444455556666', '--organization'], '--accounts and --organization both name the accounts to scan'],
    [['--regions', 'eu-west-1'], '--regions scans other accounts: pass --accounts ID,... or --organization with it'],
    [['--role-name', 'reader'], '--role-name scans other accounts'],
    [
      ['--accounts', '444455556666', '--regions', 'Europe'],
      'expected region names separated by commas (e.g. eu-west-1,us-east-1) or "all", not Europe',
    ],
    [['--accounts', '444455556666', '--role-name', 'no spaces please'], 'expected an IAM role name'],
    [['--sandbox', '--accounts', '444455556666'], 'not with --sandbox'],
  ])('refuses %j with exit 2, naming the problem', async (args, problem) => {
    // Act
    const run = await scan(...args);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(problem);
  });

  it('reads "all" as the regions every account has enabled by default, and a list as given', () => {
    // Assess
    expect(parseRegions('all')).toStrictEqual([...DEFAULT_ENABLED_REGIONS]);
    expect(DEFAULT_ENABLED_REGIONS).toHaveLength(17);
    expect(parseRegions('eu-west-1, us-east-1,eu-west-1')).toStrictEqual(['eu-west-1', 'us-east-1']);
  });
});

describe('scan across accounts: the account-regions', () => {
  it('reads each account-region once when --organization finds an account both listed and under a listed OU, and a region is listed twice', async () => {
    // Prepare: 444455556666 is listed and under the listed OU.
    const organizations = new MemoryOrganizations({
      id: 'r-ab12',
      children: [
        {
          id: 'ou-ab12-cd34ef56',
          accounts: [
            { id: '444455556666', active: true },
            { id: '555566667777', active: true },
          ],
        },
      ],
    });
    const policy = organisationPolicy({
      members: { accounts: ['444455556666'], organizationalUnits: ['ou-ab12-cd34ef56'] },
      regions: ['eu-west-1', 'us-east-1', 'eu-west-1'],
    });

    // Act
    const targets = await scanTargets(
      { sandbox: false, organization: true },
      { policy, stage: 'prod', region: 'eu-west-1', organizations: () => organizations },
    );

    // Assess
    expect(targets.map((t) => `${t.account}/${t.region}`)).toStrictEqual([
      '444455556666/eu-west-1',
      '444455556666/us-east-1',
      '555566667777/eu-west-1',
      '555566667777/us-east-1',
    ]);
  });
});

describe('scan across accounts: through the read role', () => {
  const sts = mockClient(STSClient);
  const secretsManager = mockClient(SecretsManagerClient);
  const organizations = mockClient(OrganizationsClient);
  const MEMBER = '444455556666';
  const NO_STACK = '777788889999';
  const logs: string[] = [];
  const errors: string[] = [];

  beforeEach(() => {
    sts.reset();
    secretsManager.reset();
    organizations.reset();
    logs.length = 0;
    errors.length = 0;
    vi.spyOn(console, 'log').mockImplementation((text: string) => void logs.push(text));
    vi.spyOn(console, 'error').mockImplementation((text: string) => void errors.push(text));
    // STS: the member's read role is assumable; NO_STACK has no member stack.
    sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
      const account = input.RoleArn.split(':')[4] ?? '';
      if (account === NO_STACK)
        throw Object.assign(new Error(`User is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`), {
          name: 'AccessDenied',
          $fault: 'client',
          $metadata: {},
        });
      return {
        Credentials: {
          AccessKeyId: `ASIA${account}`,
          SecretAccessKey: 'secret',
          SessionToken: 'token',
          Expiration: new Date(Date.now() + 3_600_000),
        },
      };
    });
    // Secrets Manager answers with the secrets of the account (from the credentials) and region of the client.
    secretsManager.on(ListSecretsCommand).callsFake(async (_input, getClient) => {
      const client = getClient();
      const region = await client.config.region();
      const credentials = await client.config.credentials();
      const account = credentials.accessKeyId.replace('ASIA', '');
      return {
        SecretList: [
          {
            ARN: `arn:aws:secretsmanager:${region}:${account}:secret:app/db-AbCdEf`,
            Name: 'app/db',
            CreatedDate: new Date('2024-01-01T00:00:00Z'),
            LastAccessedDate: new Date('2024-02-01T00:00:00Z'),
            RotationEnabled: false,
          },
        ],
      };
    });
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => {
    sts.restore();
    secretsManager.restore();
    organizations.restore();
  });

  const options = (extra: Record<string, unknown>) => ({
    sandbox: false,
    region: 'eu-west-1',
    stage: 'prod',
    output: [] as string[],
    failOn: 'none' as const,
    progress: false,
    allowEmpty: false,
    ...extra,
  });

  it('assumes the read role in each account and region, and every finding names its account and region in the table, JSON and SARIF', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'scan-organisation-'));
    const json = join(dir, 'findings.json');
    const sarif = join(dir, 'findings.sarif');

    // Act
    const code = await runScan(options({ accounts: [MEMBER, '111122223333'], regions: ['eu-west-1', 'us-east-1'], output: [json, sarif] }));

    // Assess
    expect(code).toBe(0);
    const roles = sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn);
    expect(new Set(roles)).toStrictEqual(
      new Set(
        [MEMBER, '111122223333'].flatMap((account) => [
          `arn:aws:iam::${account}:role/secrets-remediator-member-prod-read-euw1`,
          `arn:aws:iam::${account}:role/secrets-remediator-member-prod-read-use1`,
        ]),
      ),
    );
    const findings = (JSON.parse(readFileSync(json, 'utf8')) as { findings: unknown[] }).findings.map((f) => findingSchema().parse(f));
    const places = new Set(findings.map((f) => `${f.secret.account}/${f.secret.region}`));
    expect(places).toStrictEqual(
      new Set([`${MEMBER}/eu-west-1`, `${MEMBER}/us-east-1`, '111122223333/eu-west-1', '111122223333/us-east-1']),
    );
    const results = (
      JSON.parse(readFileSync(sarif, 'utf8')) as {
        runs: { results: { properties: { account: string; region: string } }[]; automationDetails: { id: string } }[];
      }
    ).runs[0];
    expect(new Set(results?.results.map((r) => `${r.properties.account}/${r.properties.region}`))).toStrictEqual(places);
    expect(results?.automationDetails.id).toMatch(/^secrets-remediator\/organisation\/scan-/);
    const report = logs.join('\n');
    // One read role per region, as the member stacks name them.
    expect(report).toContain('scan of 2 accounts x 2 regions (eu-west-1, us-east-1) through 2 roles');
    expect(report).toContain(`${MEMBER}/us-east-1`);
    expect(report).toContain(`  ${MEMBER}/eu-west-1: 1 secrets`);
  });

  it('takes the role given with --role-name in every account and region', async () => {
    // Act
    await runScan(options({ accounts: [MEMBER], regions: ['eu-west-1', 'us-east-1'], roleName: 'AuditReader' }));

    // Assess
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toStrictEqual([
      `arn:aws:iam::${MEMBER}:role/AuditReader`,
      `arn:aws:iam::${MEMBER}:role/AuditReader`,
    ]);
  });

  it('names the role it could not assume and says to deploy the member stack, reads the other accounts, and exits 2', async () => {
    // Act
    const code = await runScan(options({ accounts: [MEMBER, NO_STACK], regions: ['eu-west-1'] }));

    // Assess
    expect(code).toBe(2);
    expect(errors.join('\n')).toContain(
      `${NO_STACK}/eu-west-1: cannot assume arn:aws:iam::${NO_STACK}:role/secrets-remediator-member-prod-read-euw1: deploy the member stack there`,
    );
    expect(logs.join('\n')).toContain(`${MEMBER}/eu-west-1: 1 secrets`);
  });

  it('lists the organisation through Organizations with --organization, ACTIVE accounts only, paged', async () => {
    // Prepare
    organizations
      .on(ListAccountsCommand)
      .resolvesOnce({
        Accounts: [
          { Id: MEMBER, Status: 'ACTIVE' },
          { Id: '222233334444', Status: 'SUSPENDED' },
        ],
        NextToken: 'next',
      })
      .resolvesOnce({ Accounts: [{ Id: '111122223333', State: 'ACTIVE' }] });

    // Act
    const code = await runScan(options({ organization: true, regions: ['eu-west-1'] }));

    // Assess
    expect(code).toBe(0);
    expect(organizations.commandCalls(ListAccountsCommand).map((c) => c.args[0].input.NextToken)).toStrictEqual([undefined, 'next']);
    expect(
      sts
        .commandCalls(AssumeRoleCommand)
        .map((c) => c.args[0].input.RoleArn?.split(':')[4])
        .sort(),
    ).toStrictEqual(['111122223333', MEMBER]);
  });
});
