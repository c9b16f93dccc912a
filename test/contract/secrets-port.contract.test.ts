/**
 * One contract, two implementations of SecretsPort: the in-memory sandbox (what the replay and
 * the handler tests run against) and the SDK adapter over a mocked SecretsManagerClient that
 * answers as AWS does for the same secret state. Every case runs on both, so the sandbox cannot
 * drift from AWS without a test going red. Each case names the state (the sandbox seed), what AWS
 * answers for that state, the call on the port, the expected result and the requests sent.
 */
import {
  DescribeSecretCommand,
  type DescribeSecretRequest,
  type DescribeSecretResponse,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  type ListSecretsRequest as AwsListSecretsRequest,
  type ListSecretsResponse,
  ResourceNotFoundException,
  type SecretListEntry,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
  type UpdateSecretVersionStageRequest,
  type UpdateSecretVersionStageResponse,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { secretsManagerAdapter } from '../../shared/adapters/secrets-manager.js';
import { InvalidSecretStateError, type RemediationError, SecretNotFoundError } from '../../shared/errors.js';
import type { ListSecretsRequest, SecretState, SecretsPort } from '../../shared/ports/secrets.js';
import type { SecretSeed } from '../../shared/sandbox/seed.js';
import { sandboxWith } from '../helpers/sandbox.js';
import '../helpers/aws-matchers.js';
import {
  ACCOUNT_PREFIX,
  ARN,
  CURRENT,
  DELETED,
  LAST_CHANGED,
  listed,
  NAME,
  PARTIAL_ARN,
  paymentsDb,
  paymentsDbDescribed,
  paymentsDbState,
  PENDING,
  PREVIOUS,
  UNKNOWN_ARN,
} from '../helpers/payments-db.js';
import { settle } from '../helpers/settle.js';

/**
 * A secret nobody configured: no rotation, no tags, no KMS key, never read (AWS omits those
 * fields). Created and last changed at the same moment (the sandbox's default creation date).
 */
const bareSecret = {
  name: 'dev/scratch',
  arn: `${ACCOUNT_PREFIX}:dev/scratch-Qw3rTy`,
  lastChangedDate: LAST_CHANGED,
  versions: { [CURRENT]: ['AWSCURRENT'] },
} satisfies SecretSeed;

const bareSecretState: SecretState = {
  arn: bareSecret.arn,
  name: bareSecret.name,
  rotationEnabled: false,
  lastChangedDate: new Date(LAST_CHANGED),
  createdDate: new Date(LAST_CHANGED),
  tags: {},
  versions: { [CURRENT]: ['AWSCURRENT'] },
};

/** A secret scheduled for deletion: ListSecrets shows it only with IncludePlannedDeletion, which the port always sets. */
const doomedSecret = {
  name: 'prod/old-api-key',
  arn: `${ACCOUNT_PREFIX}:prod/old-api-key-Zx8Yw7`,
  createdDate: '2024-01-02T03:04:05.000Z',
  lastChangedDate: DELETED,
  deletedDate: DELETED,
  versions: { [CURRENT]: ['AWSCURRENT'] },
} satisfies SecretSeed;

const doomedSecretState: SecretState = {
  arn: doomedSecret.arn,
  name: doomedSecret.name,
  rotationEnabled: false,
  lastChangedDate: new Date(DELETED),
  deletedDate: new Date(DELETED),
  createdDate: new Date(doomedSecret.createdDate),
  tags: {},
  versions: { [CURRENT]: ['AWSCURRENT'] },
};

/**
 * The request the adapter sends for a port call: always 100 a page, those scheduled for deletion
 * included, oldest first (the listing engine relies on ascending CreatedDate).
 */
const listRequest = (request: ListSecretsRequest): AwsListSecretsRequest => ({
  MaxResults: 100,
  IncludePlannedDeletion: true,
  SortOrder: 'asc',
  ...(request.namePrefixes ? { Filters: [{ Key: 'name', Values: [...request.namePrefixes] }] } : {}),
  ...(request.nextToken ? { NextToken: request.nextToken } : {}),
});

/** `count` secrets under `prefix`, created a minute apart in name order. */
const manySecrets = (prefix: string, count: number): SecretSeed[] =>
  Array.from({ length: count }, (_, i) => {
    const name = `${prefix}${String(i).padStart(3, '0')}`;
    return {
      name,
      arn: `${ACCOUNT_PREFIX}:${name}-Ab${String(i).padStart(4, '0')}`,
      createdDate: new Date(Date.parse('2026-01-01T00:00:00Z') + i * 60_000).toISOString(),
      lastChangedDate: LAST_CHANGED,
      versions: { [CURRENT]: ['AWSCURRENT'] },
    };
  });

/** What AWS answers with for seeded secrets: each as DescribeSecret would, listed. */
const entryOf = (seed: SecretSeed): SecretListEntry => ({
  ARN: seed.arn,
  Name: seed.name,
  RotationEnabled: false,
  LastChangedDate: new Date(seed.lastChangedDate ?? LAST_CHANGED),
  CreatedDate: new Date(seed.createdDate ?? seed.lastChangedDate ?? LAST_CHANGED),
  SecretVersionsToStages: { [CURRENT]: ['AWSCURRENT'] },
});

const notFound = () =>
  new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: { httpStatusCode: 400 } });

// ---------------------------------------------------------------------------------------------
// The case table.

type ErrorClass = abstract new (...args: never[]) => RemediationError;

interface Scenario {
  /** The secrets the sandbox account holds. */
  readonly seed: readonly SecretSeed[];
  /** What AWS answers, for the same state, to each command the case sends. */
  readonly aws: {
    readonly describeSecret?: DescribeSecretResponse | Error;
    readonly updateSecretVersionStage?: UpdateSecretVersionStageResponse | Error;
    /** One answer per ListSecrets call, in order. */
    readonly listSecrets?: readonly (ListSecretsResponse | Error)[];
  };
}

/** A request as both implementations can report it: the port operation and the AWS input. */
type SentRequest =
  | { readonly operation: 'describeSecret'; readonly input: DescribeSecretRequest }
  | { readonly operation: 'removeStagingLabel'; readonly input: UpdateSecretVersionStageRequest }
  /** The port request; the adapter's AWS input is `listRequest(request)`. A NextToken may be `expect.any(String)`: each side issues its own. */
  | { readonly operation: 'listSecrets'; readonly request: ListSecretsRequest };

type Expected =
  | { readonly resolves: unknown }
  /** The port's error class, and the AWS error code its message must name (for the logs). */
  | { readonly rejects: ErrorClass; readonly awsCode: string };

interface ContractCase {
  readonly name: string;
  readonly scenario: Scenario;
  readonly act: (port: SecretsPort) => Promise<unknown>;
  readonly expected: Expected;
  readonly sent: readonly SentRequest[];
}

const describes = (SecretId: string): SentRequest => ({ operation: 'describeSecret', input: { SecretId } });
const removes = (SecretId: string, VersionStage: string, RemoveFromVersionId: string): SentRequest => ({
  operation: 'removeStagingLabel',
  input: { SecretId, VersionStage, RemoveFromVersionId },
});
const lists = (request: ListSecretsRequest): SentRequest => ({ operation: 'listSecrets', request });

/** Lists every page of a filter through the port: each page's names, and whether a token followed. */
const listAll = async (port: SecretsPort, namePrefixes?: readonly string[]): Promise<{ names: string[]; continued: boolean }[]> => {
  const pages: { names: string[]; continued: boolean }[] = [];
  let nextToken: string | undefined;
  do {
    const page = await port.listSecrets({ ...(namePrefixes ? { namePrefixes } : {}), ...(nextToken ? { nextToken } : {}) });
    pages.push({ names: page.secrets.map((s) => s.name), continued: page.nextToken !== undefined });
    nextToken = page.nextToken;
  } while (nextToken);
  return pages;
};

const cases: readonly ContractCase[] = [
  {
    name: 'describeSecret by full ARN returns the secret state',
    scenario: { seed: [paymentsDb], aws: { describeSecret: paymentsDbDescribed } },
    act: (port) => port.describeSecret(ARN),
    expected: { resolves: paymentsDbState },
    sent: [describes(ARN)],
  },
  {
    name: 'describeSecret by name finds the secret',
    scenario: { seed: [paymentsDb], aws: { describeSecret: paymentsDbDescribed } },
    act: (port) => port.describeSecret(NAME),
    expected: { resolves: paymentsDbState },
    sent: [describes(NAME)],
  },
  {
    name: 'describeSecret by partial ARN (no 6-character suffix) finds the secret',
    scenario: { seed: [paymentsDb], aws: { describeSecret: paymentsDbDescribed } },
    act: (port) => port.describeSecret(PARTIAL_ARN),
    expected: { resolves: paymentsDbState },
    sent: [describes(PARTIAL_ARN)],
  },
  {
    name: 'describeSecret of a bare secret reports rotation off, no tags and no optional fields',
    scenario: {
      seed: [bareSecret],
      aws: {
        describeSecret: {
          ARN: bareSecret.arn,
          Name: bareSecret.name,
          LastChangedDate: new Date(LAST_CHANGED),
          CreatedDate: new Date(LAST_CHANGED),
          VersionIdsToStages: { [CURRENT]: ['AWSCURRENT'] },
        },
      },
    },
    act: (port) => port.describeSecret(bareSecret.arn),
    expected: { resolves: bareSecretState },
    sent: [describes(bareSecret.arn)],
  },
  {
    name: 'describeSecret of an unknown id rejects with SecretNotFoundError',
    scenario: { seed: [paymentsDb], aws: { describeSecret: notFound() } },
    act: (port) => port.describeSecret(UNKNOWN_ARN),
    expected: { rejects: SecretNotFoundError, awsCode: 'ResourceNotFoundException' },
    sent: [describes(UNKNOWN_ARN)],
  },
  {
    name: 'describeSecret of a secret scheduled for deletion reports its deletedDate',
    scenario: {
      seed: [{ ...paymentsDb, deletedDate: DELETED }],
      aws: { describeSecret: { ...paymentsDbDescribed, DeletedDate: new Date(DELETED) } },
    },
    act: (port) => port.describeSecret(ARN),
    expected: { resolves: { ...paymentsDbState, deletedDate: new Date(DELETED) } },
    sent: [describes(ARN)],
  },
  {
    name: 'removeStagingLabel takes AWSPENDING off its version, and a version left without labels drops out',
    scenario: {
      seed: [paymentsDb],
      aws: {
        updateSecretVersionStage: { ARN, Name: NAME },
        // DescribeSecret after the update, as AWS answers it.
        describeSecret: { ...paymentsDbDescribed, VersionIdsToStages: { [CURRENT]: ['AWSCURRENT'], [PREVIOUS]: ['AWSPREVIOUS'] } },
      },
    },
    act: async (port) => {
      await port.removeStagingLabel({ secretId: ARN, label: 'AWSPENDING', versionId: PENDING });
      return (await port.describeSecret(ARN)).versions;
    },
    expected: { resolves: { [CURRENT]: ['AWSCURRENT'], [PREVIOUS]: ['AWSPREVIOUS'] } },
    sent: [removes(ARN, 'AWSPENDING', PENDING), describes(ARN)],
  },
  {
    name: 'removeStagingLabel keeps a version that still carries another label',
    scenario: {
      seed: [{ ...paymentsDb, versions: { [CURRENT]: ['AWSCURRENT'], [PENDING]: ['AWSPENDING', 'release-2026-11'] } }],
      aws: {
        updateSecretVersionStage: { ARN, Name: NAME },
        describeSecret: { ...paymentsDbDescribed, VersionIdsToStages: { [CURRENT]: ['AWSCURRENT'], [PENDING]: ['release-2026-11'] } },
      },
    },
    act: async (port) => {
      await port.removeStagingLabel({ secretId: ARN, label: 'AWSPENDING', versionId: PENDING });
      return (await port.describeSecret(ARN)).versions;
    },
    expected: { resolves: { [CURRENT]: ['AWSCURRENT'], [PENDING]: ['release-2026-11'] } },
    sent: [removes(ARN, 'AWSPENDING', PENDING), describes(ARN)],
  },
  {
    name: 'removeStagingLabel on a secret scheduled for deletion rejects with InvalidSecretStateError',
    scenario: {
      seed: [{ ...paymentsDb, deletedDate: DELETED }],
      aws: {
        updateSecretVersionStage: new InvalidRequestException({
          message: "You can't perform this operation on the secret because it was marked for deletion.",
          $metadata: { httpStatusCode: 400 },
        }),
      },
    },
    act: (port) => port.removeStagingLabel({ secretId: ARN, label: 'AWSPENDING', versionId: PENDING }),
    expected: { rejects: InvalidSecretStateError, awsCode: 'InvalidRequestException' },
    sent: [removes(ARN, 'AWSPENDING', PENDING)],
  },
  {
    name: 'removeStagingLabel of a label the version does not carry rejects with InvalidSecretStateError',
    scenario: {
      seed: [paymentsDb],
      aws: {
        updateSecretVersionStage: new InvalidParameterException({
          message: `The staging label AWSPENDING is not attached to version ${CURRENT}.`,
          $metadata: { httpStatusCode: 400 },
        }),
      },
    },
    act: (port) => port.removeStagingLabel({ secretId: ARN, label: 'AWSPENDING', versionId: CURRENT }),
    expected: { rejects: InvalidSecretStateError, awsCode: 'InvalidParameterException' },
    sent: [removes(ARN, 'AWSPENDING', CURRENT)],
  },
  {
    name: 'removeStagingLabel of AWSCURRENT rejects with InvalidSecretStateError (it can only be moved)',
    scenario: {
      seed: [paymentsDb],
      aws: {
        updateSecretVersionStage: new InvalidParameterException({
          message: 'You can only move staging label AWSCURRENT to a different secret version. It can’t be completely removed.',
          $metadata: { httpStatusCode: 400 },
        }),
      },
    },
    act: (port) => port.removeStagingLabel({ secretId: ARN, label: 'AWSCURRENT', versionId: CURRENT }),
    expected: { rejects: InvalidSecretStateError, awsCode: 'InvalidParameterException' },
    sent: [removes(ARN, 'AWSCURRENT', CURRENT)],
  },
  {
    name: 'removeStagingLabel on an unknown secret rejects with SecretNotFoundError',
    scenario: { seed: [paymentsDb], aws: { updateSecretVersionStage: notFound() } },
    act: (port) => port.removeStagingLabel({ secretId: UNKNOWN_ARN, label: 'AWSPENDING', versionId: PENDING }),
    expected: { rejects: SecretNotFoundError, awsCode: 'ResourceNotFoundException' },
    sent: [removes(UNKNOWN_ARN, 'AWSPENDING', PENDING)],
  },
  {
    name: 'listSecrets lists every secret by creation date, those scheduled for deletion included, with what DescribeSecret tells',
    scenario: {
      seed: [paymentsDb, bareSecret, doomedSecret],
      aws: {
        listSecrets: [
          {
            SecretList: [
              listed({
                ARN: doomedSecret.arn,
                Name: doomedSecret.name,
                CreatedDate: new Date(doomedSecret.createdDate),
                LastChangedDate: new Date(DELETED),
                DeletedDate: new Date(DELETED),
                VersionIdsToStages: { [CURRENT]: ['AWSCURRENT'] },
              }),
              listed(paymentsDbDescribed),
              listed({
                ARN: bareSecret.arn,
                Name: bareSecret.name,
                CreatedDate: new Date(LAST_CHANGED),
                LastChangedDate: new Date(LAST_CHANGED),
                VersionIdsToStages: { [CURRENT]: ['AWSCURRENT'] },
              }),
            ],
          },
        ],
      },
    },
    act: (port) => port.listSecrets({}),
    expected: { resolves: { secrets: [doomedSecretState, paymentsDbState, bareSecretState] } },
    sent: [lists({})],
  },
  {
    name: 'listSecrets with name prefixes lists the names starting with any of them, case-sensitively',
    scenario: {
      seed: [paymentsDb, bareSecret, ...manySecrets('Prod/', 2), ...manySecrets('staging/', 2), ...manySecrets('production-', 1)],
      aws: { listSecrets: [{ SecretList: [listed(paymentsDbDescribed), ...manySecrets('staging/', 2).map(entryOf)] }] },
    },
    act: (port) => listAll(port, ['prod/', 'staging/']),
    // By creation date: prod/payments/db (2025) before the staging ones (2026); not Prod/, not production-.
    expected: { resolves: [{ names: [NAME, 'staging/000', 'staging/001'], continued: false }] },
    sent: [lists({ namePrefixes: ['prod/', 'staging/'] })],
  },
  {
    name: 'listSecrets returns 100 a page, and the NextToken continues the same filter',
    scenario: {
      seed: [bareSecret, ...manySecrets('app/', 150)],
      aws: {
        listSecrets: [
          { SecretList: manySecrets('app/', 100).map(entryOf), NextToken: 'opaque-token-1' },
          { SecretList: manySecrets('app/', 150).slice(100).map(entryOf) },
        ],
      },
    },
    act: (port) => listAll(port, ['app/']),
    expected: {
      resolves: [
        { names: manySecrets('app/', 100).map((s) => s.name), continued: true },
        {
          names: manySecrets('app/', 150)
            .slice(100)
            .map((s) => s.name),
          continued: false,
        },
      ],
    },
    sent: [lists({ namePrefixes: ['app/'] }), lists({ namePrefixes: ['app/'], nextToken: expect.any(String) })],
  },
  {
    name: 'listSecrets of a prefix no name starts with returns one empty page',
    scenario: { seed: [paymentsDb], aws: { listSecrets: [{ SecretList: [] }] } },
    act: (port) => port.listSecrets({ namePrefixes: ['PROD/'] }),
    expected: { resolves: { secrets: [] } },
    sent: [lists({ namePrefixes: ['PROD/'] })],
  },
];

// ---------------------------------------------------------------------------------------------
// The two implementations.

interface Implementation {
  readonly name: string;
  /** The port in the scenario's state, and a check of the requests it sent since. */
  readonly create: (scenario: Scenario) => { port: SecretsPort; assertSent: (requests: readonly SentRequest[]) => void };
}

const secretsManager = mockClient(SecretsManagerClient);

const implementations: readonly Implementation[] = [
  {
    name: 'SandboxSecrets',
    create: (scenario) => {
      const { secrets } = sandboxWith(...scenario.seed);
      return {
        port: secrets,
        assertSent: (requests) => {
          expect(secrets.calls).toEqual(
            requests.map((sent) =>
              sent.operation === 'listSecrets'
                ? { operation: sent.operation, secretId: '', request: sent.request }
                : { operation: sent.operation, secretId: sent.input.SecretId },
            ),
          );
        },
      };
    },
  },
  {
    name: 'secretsManagerAdapter (SDK, mocked AWS)',
    create: ({ aws }) => {
      secretsManager.reset();
      const { describeSecret, updateSecretVersionStage, listSecrets = [] } = aws;
      if (describeSecret instanceof Error) secretsManager.on(DescribeSecretCommand).rejects(describeSecret);
      else if (describeSecret) secretsManager.on(DescribeSecretCommand).resolves(describeSecret);
      if (updateSecretVersionStage instanceof Error) secretsManager.on(UpdateSecretVersionStageCommand).rejects(updateSecretVersionStage);
      else if (updateSecretVersionStage) secretsManager.on(UpdateSecretVersionStageCommand).resolves(updateSecretVersionStage);
      const listing = secretsManager.on(ListSecretsCommand);
      for (const answer of listSecrets) {
        if (answer instanceof Error) listing.rejectsOnce(answer);
        else listing.resolvesOnce(answer);
      }
      return {
        port: secretsManagerAdapter(new SecretsManagerClient({ region: 'us-east-1', maxAttempts: 1 })),
        assertSent: (requests) => {
          expect(secretsManager.calls()).toHaveLength(requests.length);
          for (const [index, request] of requests.entries()) {
            // Spread: the matcher wants a plain object type, which an SDK input interface is not.
            if (request.operation === 'describeSecret')
              expect(secretsManager).toHaveReceivedCommandWith(DescribeSecretCommand, { ...request.input });
            else if (request.operation === 'removeStagingLabel')
              expect(secretsManager).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, { ...request.input });
            // Exactly, in order: no field more (a filter dropped or added would change what is listed).
            else expect(secretsManager.call(index).args[0].input).toStrictEqual(listRequest(request.request));
          }
        },
      };
    },
  },
];

/** The call's outcome as data, so one assertion covers both a value and an error. */

afterAll(() => {
  secretsManager.restore();
});

describe('Contract: SecretsPort', () => {
  // `%s` over [name, value] pairs: `$name` would print quoted names cut at 40 characters.
  describe.each(implementations.map((implementation) => [implementation.name, implementation] as const))(
    'on %s',
    (_name, implementation) => {
      it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', async (_case, { scenario, act, expected, sent }) => {
        // Prepare
        const { port, assertSent } = implementation.create(scenario);

        // Act
        const outcome = await settle(act(port));

        // Assess
        if ('resolves' in expected) {
          expect(outcome).toStrictEqual({ value: expected.resolves });
        } else {
          expect(outcome.error).toBeInstanceOf(expected.rejects);
          expect(outcome.error).toMatchObject({ retryable: false, message: expect.stringContaining(expected.awsCode) as unknown });
        }
        assertSent(sent);
      });
    },
  );
});
