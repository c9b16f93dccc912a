/**
 * What `replay` and `invoke` run against: the flags both take, with their defaults; the sandbox
 * account (the default seed or one given) with the policy, the mode and every function wired,
 * run as the hub in organisation mode; and a live account, whose bus and topic are recorded and
 * forwarded, refused without the names it needs or with a sandbox seed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../shared/cli/errors.js';
import { buildWorld, DEFAULT_REPLAY_POLICY, withWorldOptions, type WorldOptions } from '../../shared/cli/local-world.js';
import { functionNames } from '../../shared/contracts/functions.js';
import { repoRoot } from '../helpers/events.js';

const eventBridge = mockClient(EventBridgeClient);

afterEach(() => {
  eventBridge.reset();
});

const sandboxOptions = (change: Partial<WorldOptions> = {}): WorldOptions => ({
  policy: DEFAULT_REPLAY_POLICY,
  stage: 'dev',
  live: false,
  verbose: false,
  ...change,
});

/** A seed file for the sandbox: one secret in another account and region. */
const seedFile = (): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'local-world-')), 'account.json');
  writeFileSync(
    file,
    JSON.stringify({
      account: '210987654321',
      region: 'eu-west-1',
      secrets: [{ name: 'prod/seeded', versions: { 'v-1': ['AWSCURRENT'] } }],
    }),
  );
  return file;
};

/** The options `withWorldOptions` parses from `args`. */
const parse = (args: readonly string[]): Record<string, unknown> => {
  const command = withWorldOptions(new Command('replay').exitOverride().configureOutput({ writeErr: () => undefined }));
  command.parse(['node', 'replay', ...args]);
  return command.opts();
};

describe('Function: withWorldOptions', () => {
  it("defaults to the sample world's policy, stage dev, the sandbox, quiet, and the policy's own mode", () => {
    expect(parse([])).toStrictEqual({ policy: 'events/policy.yml', stage: 'dev', live: false, verbose: false });
  });

  it('takes every flag of a live run', () => {
    // Act
    const options = parse([
      '--mode',
      'enforce',
      '--live',
      '--bus-name',
      'bus',
      '--topic-arn',
      'arn:aws:sns:eu-west-1:210987654321:alerts',
      '--ledger-table',
      'ledger',
      '--region',
      'eu-west-1',
      '--verbose',
    ]);

    // Assess
    expect(options).toMatchObject({
      mode: 'enforce',
      live: true,
      busName: 'bus',
      topicArn: 'arn:aws:sns:eu-west-1:210987654321:alerts',
      ledgerTable: 'ledger',
      region: 'eu-west-1',
      verbose: true,
    });
  });

  it('refuses a mode that is not one', () => {
    expect(() => parse(['--mode', 'yolo'])).toThrow(/Allowed choices are dry-run, enforce/);
  });
});

describe('Function: buildWorld, on the sandbox', () => {
  it("loads the policy, takes its mode, wires every function, and runs as the seed's hub in organisation mode", () => {
    // Act
    const world = buildWorld(sandboxOptions());

    // Assess
    expect(world.mode).toBe(world.policy.mode);
    expect(world.policy.organisation.enabled).toBe(true);
    expect(world.hub).toStrictEqual({ account: '123456789012', region: 'us-east-1' });
    expect(Object.keys(world.handlers).sort()).toStrictEqual([...functionNames].sort());
  });

  it("runs in the mode given over the policy's", () => {
    expect(buildWorld(sandboxOptions({ mode: 'enforce' })).mode).toBe('enforce');
  });

  it('seeds the sandbox from the file given, and runs as its hub', async () => {
    // Act
    const world = buildWorld(sandboxOptions({ account: seedFile() }));

    // Assess
    expect(world.hub).toStrictEqual({ account: '210987654321', region: 'eu-west-1' });
    const described = await world.ports.secrets.describeSecret('prod/seeded');
    expect(described.arn).toMatch(/^arn:aws:secretsmanager:eu-west-1:210987654321:secret:prod\/seeded-/);
  });

  it('runs where each event happened when the policy is not in organisation mode', () => {
    // Act
    const world = buildWorld(sandboxOptions({ policy: join(repoRoot, 'policy.yml') }));

    // Assess
    expect(world.policy.organisation.enabled).toBe(false);
    expect(world).not.toHaveProperty('hub');
  });
});

describe('Function: buildWorld, live', () => {
  const live = (change: Partial<WorldOptions> = {}): WorldOptions =>
    sandboxOptions({
      live: true,
      busName: 'secrets-remediator-dev',
      topicArn: 'arn:aws:sns:eu-west-1:210987654321:alerts',
      region: 'eu-west-1',
      ...change,
    });

  it('refuses a sandbox seed', () => {
    expect(() => buildWorld(live({ account: seedFile() }))).toThrow(
      new UsageError('--account seeds the sandbox; it cannot be used with --live'),
    );
  });

  it.each(['busName', 'topicArn'] as const)('refuses to run without a place to publish to: no %s', (missing) => {
    // Prepare
    const { [missing]: _left, ...options } = live();

    // Act / Assess
    expect(() => buildWorld(options)).toThrow(new UsageError('--live needs --bus-name and --topic-arn'));
  });

  it('records what it publishes on the live bus and forwards it there; one account: no hub', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const world = buildWorld(live({ policy: join(repoRoot, 'policy.yml') }));

    // Act
    await world.ports.bus.publish([{ detailType: 'Secret Finding', detail: { id: 'f-1' }, resources: [] }]);

    // Assess
    expect(world).not.toHaveProperty('hub');
    expect(world.ports.bus.published).toMatchObject([{ 'detail-type': 'Secret Finding', account: 'live', region: 'eu-west-1' }]);
    const [call] = eventBridge.commandCalls(PutEventsCommand);
    expect(call?.args[0].input.Entries).toMatchObject([{ EventBusName: 'secrets-remediator-dev', DetailType: 'Secret Finding' }]);
    expect(world.ports.chat.sent).toStrictEqual([]);
    expect(world.ports.history).toBeDefined();
  });

  it('runs as the hub that owns --topic-arn in organisation mode, and publishes as that hub', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const world = buildWorld(live());

    // Act
    await world.ports.bus.publish([{ detailType: 'Secret Finding', detail: { id: 'f-1' }, resources: [] }]);

    // Assess
    expect(world.policy.organisation.enabled).toBe(true);
    expect(world.hub).toStrictEqual({ account: '210987654321', region: 'eu-west-1' });
    expect(world.ports.bus.published).toMatchObject([{ 'detail-type': 'Secret Finding', account: '210987654321', region: 'eu-west-1' }]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });
});
