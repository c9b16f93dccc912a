/**
 * One contract, two implementations of SecretsPort: the in-memory sandbox (what the replay and
 * the handler tests run against) and the SDK adapter over a mocked SecretsManagerClient that
 * answers as AWS does for the same secret state. Every case runs on both, so the sandbox cannot
 * drift from AWS without a test going red. Each case names the state (the sandbox seed), what AWS
 * answers for that state, the call on the port, the expected result and the requests sent.
 */
import {
  DecryptionFailure,
  DescribeSecretCommand,
  type DescribeSecretRequest,
  type DescribeSecretResponse,
  InternalServiceError,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  type ListSecretsRequest as AwsListSecretsRequest,
  type ListSecretsResponse,
  ResourceNotFoundException,
  type SecretListEntry,
  SecretsManagerClient,
  SecretsManagerServiceException,
  UpdateSecretVersionStageCommand,
  type UpdateSecretVersionStageRequest,
  type UpdateSecretVersionStageResponse,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { secretsManagerAdapter } from '../../shared/adapters/secrets-manager.js';
import {
  InvalidSecretStateError,
  PermissionDeniedError,
  type RemediationError,
  SecretNotFoundError,
  ThrottlingError,
  TransientAwsError,
} from '../../shared/errors.js';
import type { ListSecretsRequest, SecretState, SecretsPort } from '../../shared/ports/secrets.js';
import type { SecretSeed } from '../../shared/sandbox/seed.js';
import { sandboxWith } from '../helpers/sandbox.js';
import '../helpers/aws-matchers.js';

// ---------------------------------------------------------------------------------------------
// One secret, written three times on purpose: as the sandbox seed, as AWS's DescribeSecret answer,
// and as the SecretState both implementations must return.

const ACCOUNT_PREFIX = 'arn:aws:secretsmanager:us-east-1:123456789012:secret';
const NAME = 'prod/payments/db';
const ARN = `${ACCOUNT_PREFIX}:${NAME}-a1B2c3`;
/** The ARN without its 6-character suffix, which AWS (and the sandbox) also resolve. */
const PARTIAL_ARN = `${ACCOUNT_PREFIX}:${NAME}`;
const UNKNOWN_ARN = `${ACCOUNT_PREFIX}:prod/ghost-Zz9Zz9`;
const ROTATION_LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:rotate-payments-db';
const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const CURRENT = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
const PENDING = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE22222';
const PREVIOUS = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE33333';
const LAST_ROTATED = '2026-10-01T08:00:00.000Z';
const LAST_CHANGED = '2026-11-20T09:30:00.000Z';
const DELETED = '2026-11-24T17:00:00.000Z';
const CREATED = '2025-03-14T10:00:00.000Z';
/** AWS keeps the day a secret was last read, at midnight UTC. */
const LAST_ACCESSED = '2026-11-24T00:00:00.000Z';
const NEXT_ROTATION = '2026-12-01T08:00:00.000Z';

const paymentsDb = {
  name: NAME,
  arn: ARN,
  rotationEnabled: true,
  rotationLambdaArn: ROTATION_LAMBDA,
  lastRotatedDate: LAST_ROTATED,
  lastChangedDate: LAST_CHANGED,
  createdDate: CREATED,
  lastAccessedDate: LAST_ACCESSED,
  nextRotationDate: NEXT_ROTATION,
  kmsKeyId: KMS_KEY,
  tags: { owner: 'payments', env: 'prod' },
  versions: { [CURRENT]: ['AWSCURRENT'], [PENDING]: ['AWSPENDING'], [PREVIOUS]: ['AWSPREVIOUS'] },
} satisfies SecretSeed;

const paymentsDbDescribed = {
  ARN,
  Name: NAME,
  RotationEnabled: true,
  RotationLambdaARN: ROTATION_LAMBDA,
  LastRotatedDate: new Date(LAST_ROTATED),
  LastChangedDate: new Date(LAST_CHANGED),
  CreatedDate: new Date(CREATED),
  LastAccessedDate: new Date(LAST_ACCESSED),
  NextRotationDate: new Date(NEXT_ROTATION),
  KmsKeyId: KMS_KEY,
  Tags: [
    { Key: 'owner', Value: 'payments' },
    { Key: 'env', Value: 'prod' },
  ],
  VersionIdsToStages: { [CURRENT]: ['AWSCURRENT'], [PENDING]: ['AWSPENDING'], [PREVIOUS]: ['AWSPREVIOUS'] },
} satisfies DescribeSecretResponse;

const paymentsDbState: SecretState = {
  arn: ARN,
  name: NAME,
  rotationEnabled: true,
  rotationLambdaArn: ROTATION_LAMBDA,
  lastRotatedDate: new Date(LAST_ROTATED),
  lastChangedDate: new Date(LAST_CHANGED),
  createdDate: new Date(CREATED),
  lastAccessedDate: new Date(LAST_ACCESSED),
  nextRotationDate: new Date(NEXT_ROTATION),
  kmsKeyId: KMS_KEY,
  tags: { owner: 'payments', env: 'prod' },
  versions: { [CURRENT]: ['AWSCURRENT'], [PENDING]: ['AWSPENDING'], [PREVIOUS]: ['AWSPREVIOUS'] },
};

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

/** A ListSecrets entry as AWS writes it: DescribeSecret's fields, the versions under `SecretVersionsToStages`. */
const listed = ({ VersionIdsToStages, ...described }: DescribeSecretResponse): SecretListEntry => ({
  ...described,
  ...(VersionIdsToStages ? { SecretVersionsToStages: VersionIdsToStages } : {}),
});

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
const settle = async (promise: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> => {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
};

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

// ---------------------------------------------------------------------------------------------
// SDK adapter only: what AWS can answer that the sandbox never does unless told (failNext).

describe('Function: secretsManagerAdapter', () => {
  const port = secretsManagerAdapter(new SecretsManagerClient({ region: 'us-east-1', maxAttempts: 1 }));

  beforeEach(() => {
    secretsManager.reset();
  });

  const calls = [
    { operation: 'describeSecret', call: () => port.describeSecret(ARN) },
    { operation: 'removeStagingLabel', call: () => port.removeStagingLabel({ secretId: ARN, label: 'AWSPENDING', versionId: PENDING }) },
    { operation: 'listSecrets', call: () => port.listSecrets({ namePrefixes: ['prod/'] }) },
  ] as const;

  const sdkErrors = [
    {
      name: 'ThrottlingException',
      error: () =>
        new SecretsManagerServiceException({
          name: 'ThrottlingException',
          $fault: 'client',
          message: 'Rate exceeded',
          $metadata: { httpStatusCode: 400 },
        }),
      mappedTo: ThrottlingError,
      retryable: true,
    },
    {
      name: 'any error answered with HTTP 429',
      error: () =>
        new SecretsManagerServiceException({
          name: 'SlowDownPlease',
          $fault: 'client',
          message: 'Too many requests',
          $metadata: { httpStatusCode: 429 },
        }),
      mappedTo: ThrottlingError,
      retryable: true,
    },
    {
      name: 'AccessDeniedException',
      error: () =>
        new SecretsManagerServiceException({
          name: 'AccessDeniedException',
          $fault: 'client',
          message: 'User: arn:aws:sts::123456789012:assumed-role/remediator/fn is not authorized to perform: secretsmanager:DescribeSecret',
          $metadata: { httpStatusCode: 400 },
        }),
      mappedTo: PermissionDeniedError,
      retryable: false,
    },
    {
      name: 'InternalServiceError (5xx)',
      error: () => new InternalServiceError({ message: 'An error occurred on the server side.', $metadata: { httpStatusCode: 500 } }),
      mappedTo: TransientAwsError,
      retryable: true,
    },
    {
      name: 'an unnamed server fault (5xx)',
      error: () =>
        new SecretsManagerServiceException({ name: 'BadGateway', $fault: 'server', message: '', $metadata: { httpStatusCode: 502 } }),
      mappedTo: TransientAwsError,
      retryable: true,
    },
  ];

  describe.each(calls)('$operation', ({ call }) => {
    it.each(sdkErrors)('maps $name to $mappedTo.name, keeping the SDK error as cause', async ({ error, mappedTo, retryable }) => {
      // Prepare
      const sdkError = error();
      secretsManager.onAnyCommand().rejects(sdkError);

      // Act
      const outcome = await settle(call());

      // Assess
      expect(outcome.error).toBeInstanceOf(mappedTo);
      expect(outcome.error).toMatchObject({ name: mappedTo.name, retryable, cause: sdkError });
      expect(secretsManager.calls()).toHaveLength(1);
    });

    it('passes an unknown client error through unchanged', async () => {
      // Prepare
      const sdkError = new DecryptionFailure({
        message: 'Secrets Manager can’t decrypt the protected secret text.',
        $metadata: { httpStatusCode: 400 },
      });
      secretsManager.onAnyCommand().rejects(sdkError);

      // Act
      const outcome = await settle(call());

      // Assess
      expect(outcome.error).toBe(sdkError);
    });
  });

  it('names the operation and the AWS error in the mapped message', async () => {
    // Prepare
    secretsManager
      .on(DescribeSecretCommand)
      .rejects(
        new SecretsManagerServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', $metadata: {} }),
      );

    // Act
    const outcome = await settle(port.describeSecret(ARN));

    // Assess
    expect(outcome.error).toMatchObject({ message: 'DescribeSecret: ThrottlingException: Rate exceeded' });
  });

  it('asks for the oldest first on every ListSecrets call, the first page and those after', async () => {
    // Prepare
    secretsManager
      .on(ListSecretsCommand)
      .resolvesOnce({ SecretList: [listed(paymentsDbDescribed)], NextToken: 'opaque-token-1' })
      .resolvesOnce({ SecretList: [] });

    // Act
    const first = await port.listSecrets({ namePrefixes: ['prod/'] });
    await port.listSecrets({ namePrefixes: ['prod/'], ...(first.nextToken ? { nextToken: first.nextToken } : {}) });

    // Assess
    const sent = secretsManager.commandCalls(ListSecretsCommand).map((call) => call.args[0].input);
    expect(sent).toHaveLength(2);
    expect(sent.map((input) => input.SortOrder)).toStrictEqual(['asc', 'asc']);
    expect(sent[1]?.NextToken).toBe('opaque-token-1');
  });

  it('reports the primary Region AWS gives, from ListSecrets and from DescribeSecret', async () => {
    // Prepare: a replica read in us-west-2, whose primary is in us-east-1.
    const replica = {
      ...paymentsDbDescribed,
      ARN: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:prod/payments/db-a1B2c3',
      PrimaryRegion: 'us-east-1',
    };
    secretsManager.on(ListSecretsCommand).resolves({ SecretList: [listed(replica)] });
    secretsManager.on(DescribeSecretCommand).resolves(replica);

    // Act
    const page = await port.listSecrets({});
    const described = await port.describeSecret(replica.ARN);

    // Assess
    expect(page.secrets[0]).toStrictEqual({ ...paymentsDbState, arn: replica.ARN, primaryRegion: 'us-east-1' });
    expect(described).toStrictEqual(page.secrets[0]);
  });

  it('leaves primaryRegion out when AWS does not say', async () => {
    // Prepare
    secretsManager.on(DescribeSecretCommand).resolves(paymentsDbDescribed);

    // Act
    const described = await port.describeSecret(ARN);

    // Assess
    expect(described).not.toHaveProperty('primaryRegion');
  });

  it('removes a label with RemoveFromVersionId only, never moving it anywhere', async () => {
    // Prepare
    secretsManager.on(UpdateSecretVersionStageCommand).resolves({ ARN, Name: NAME });

    // Act
    await port.removeStagingLabel({ secretId: ARN, label: 'AWSPENDING', versionId: PENDING });

    // Assess
    expect(secretsManager).toHaveReceivedCommandOnce(UpdateSecretVersionStageCommand);
    expect(secretsManager.commandCalls(UpdateSecretVersionStageCommand)[0]?.args[0].input).toStrictEqual({
      SecretId: ARN,
      VersionStage: 'AWSPENDING',
      RemoveFromVersionId: PENDING,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Sandbox only: the hooks tests use to make it fail like AWS, and to see what was called.

describe('Class: SandboxSecrets', () => {
  it('fails exactly the next call queued with failNext, then works again', async () => {
    // Prepare
    const { secrets } = sandboxWith(paymentsDb);
    const throttled = new TransientAwsError('x');
    secrets.failNext('describeSecret', throttled);

    // Act
    const first = await settle(secrets.describeSecret(ARN));
    const second = await settle(secrets.describeSecret(ARN));

    // Assess
    expect(first).toStrictEqual({ error: throttled });
    expect(second).toStrictEqual({ value: paymentsDbState });
  });

  it('fails only the operation named in failNext', async () => {
    // Prepare
    const { secrets } = sandboxWith(paymentsDb);
    secrets.failNext('removeStagingLabel', new TransientAwsError('x'));

    // Act
    const described = await settle(secrets.describeSecret(ARN));

    // Assess
    expect(described).toStrictEqual({ value: paymentsDbState });
  });

  it('fails queued failures in order, one call each', async () => {
    // Prepare
    const { secrets } = sandboxWith(paymentsDb);
    const throttled = new TransientAwsError('throttled');
    const denied = new PermissionDeniedError('denied');
    secrets.failNext('describeSecret', throttled).failNext('describeSecret', denied);

    // Act
    const outcomes = [
      await settle(secrets.describeSecret(ARN)),
      await settle(secrets.describeSecret(ARN)),
      await settle(secrets.describeSecret(ARN)),
    ];

    // Assess
    expect(outcomes).toStrictEqual([{ error: throttled }, { error: denied }, { value: paymentsDbState }]);
  });

  it('records every call in calls, including the ones that failed', async () => {
    // Prepare
    const { secrets } = sandboxWith(paymentsDb);
    secrets.failNext('describeSecret', new TransientAwsError('x'));
    expect(secrets.calls).toStrictEqual([]);

    // Act
    await settle(secrets.describeSecret(NAME));
    await secrets.describeSecret(ARN);
    await secrets.removeStagingLabel({ secretId: ARN, label: 'AWSPENDING', versionId: PENDING });
    await settle(secrets.describeSecret(UNKNOWN_ARN));

    // Assess
    expect(secrets.calls).toStrictEqual([
      { operation: 'describeSecret', secretId: NAME },
      { operation: 'describeSecret', secretId: ARN },
      { operation: 'removeStagingLabel', secretId: ARN },
      { operation: 'describeSecret', secretId: UNKNOWN_ARN },
    ]);
  });

  it('leaves the state unchanged when a removal is refused', async () => {
    // Prepare
    const { secrets } = sandboxWith(paymentsDb);
    const before = secrets.versionsOf(ARN);
    expect(before).toStrictEqual(paymentsDb.versions);

    // Act
    const outcome = await settle(secrets.removeStagingLabel({ secretId: ARN, label: 'AWSPENDING', versionId: CURRENT }));

    // Assess
    expect(outcome.error).toBeInstanceOf(InvalidSecretStateError);
    expect(secrets.versionsOf(ARN)).toStrictEqual(before);
  });

  it('returns a copy of the versions, so a caller cannot change the stored secret', async () => {
    // Prepare
    const { secrets } = sandboxWith(paymentsDb);
    const state = await secrets.describeSecret(ARN);

    // Act
    state.versions[CURRENT]?.push('MUTATED');

    // Assess
    expect(secrets.versionsOf(ARN)).toStrictEqual(paymentsDb.versions);
  });
});
