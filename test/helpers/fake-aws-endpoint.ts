/**
 * A minimal AWS-compatible endpoint on 127.0.0.1 for end-to-end tests of the real SDK v3 clients
 * (point `AWS_ENDPOINT_URL` at `url`). It records every request and answers just what the service
 * calls, in each service's own wire protocol:
 *
 * - Secrets Manager, AWS JSON 1.1 (`x-amz-target: secretsmanager.<Operation>`): DescribeSecret and
 *   UpdateSecretVersionStage and ListSecretVersionIds, over one secret whose stages the second really changes;
 * - EventBridge, AWS JSON 1.1 (`x-amz-target: AWSEvents.PutEvents`): PutEvents;
 * - SNS, AWS Query (form-encoded `Action=Publish&...`, XML answers; the protocol of
 *   @aws-sdk/client-sns 3.1164.0): Publish;
 * - STS, AWS Query likewise: AssumeRole, answering credentials whose access key id names the
 *   role's account (`ASIAFAKE<account>`), so a test can tell which requests were signed with them;
 * - more secrets, for DescribeSecret only (`secrets`), such as a member account's.
 *
 * Anything else answers HTTP 400 `UnknownOperationException` (JSON; XML to Query callers), so a
 * wrong call fails loudly.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op';
export const FAKE_SECRET_NAME = 'prod/payments/db';
export const FAKE_CURRENT_VERSION = '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0002';
export const FAKE_PENDING_VERSION = '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003';
/** Before the failure of `events/rotation-failed/fires.RotationFailed.authored.set-secret.json` (2026-11-22T02:47:31Z). */
export const FAKE_LAST_ROTATED = new Date('2026-10-22T02:47:31Z');

export type FakeService = 'secretsmanager' | 'events' | 'sns' | 'sts' | 'unknown';

/** A secret DescribeSecret answers for, by ARN, besides the fake's own. */
export interface FakeSecret {
  readonly arn: string;
  readonly name: string;
  readonly deletedDate?: Date;
  readonly versions: Readonly<Record<string, readonly string[]>>;
}

/** The access key id of the credentials the fake's AssumeRole gives for a role of `account`. */
export const fakeAssumedKeyId = (account: string): string => `ASIAFAKE${account}`;

export interface RecordedRequest {
  readonly service: FakeService;
  readonly operation: string;
  /** The JSON body for JSON protocols; the form fields (flat, `MessageAttributes.entry.1.Name`, ...) for Query. */
  readonly body: Record<string, unknown>;
  /** From the SigV4 credential scope `<key>/<date>/<region>/<service>/aws4_request`, when signed. */
  readonly signedFor?: { readonly region: string; readonly service: string; readonly accessKeyId: string };
  /** Whether the request carried a session token (`x-amz-security-token`): temporary credentials. */
  readonly withSessionToken: boolean;
}

/** An error the endpoint answers an operation with, instead of its normal answer. */
export interface FakeAwsError {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

export interface FakeAwsEndpointOptions {
  /** By operation name, e.g. `{ DescribeSecret: { status: 400, type: 'AccessDeniedException', message: 'not allowed' } }`. */
  readonly failures?: Readonly<Record<string, FakeAwsError>>;
  /** More secrets DescribeSecret answers for (by ARN). */
  readonly secrets?: readonly FakeSecret[];
  /**
   * The secret every operation answers for, in place of {@link FAKE_SECRET_ARN} /
   * {@link FAKE_SECRET_NAME} (same versions): a member account's, say.
   */
  readonly secret?: { readonly arn: string; readonly name: string };
}

export interface FakeAwsEndpoint {
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** The secret's `VersionIdsToStages` as it stands now. */
  readonly versionStages: () => Record<string, string[]>;
  readonly close: () => Promise<void>;
}

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const JSON_11 = 'application/x-amz-json-1.1';
const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export const startFakeAwsEndpoint = async (options: FakeAwsEndpointOptions = {}): Promise<FakeAwsEndpoint> => {
  const requests: RecordedRequest[] = [];
  const stages = new Map<string, string[]>([
    [FAKE_CURRENT_VERSION, ['AWSCURRENT']],
    [FAKE_PENDING_VERSION, ['AWSPENDING']],
  ]);

  const secretArn = options.secret?.arn ?? FAKE_SECRET_ARN;
  const secretName = options.secret?.name ?? FAKE_SECRET_NAME;
  const secretsManager = (operation: string, body: Record<string, unknown>): Answer => {
    const secretId = body.SecretId;
    const other = options.secrets?.find((secret) => secret.arn === secretId);
    if (other && operation === 'DescribeSecret') {
      return json({
        ARN: other.arn,
        Name: other.name,
        RotationEnabled: false,
        ...(other.deletedDate ? { DeletedDate: other.deletedDate.getTime() / 1000 } : {}),
        VersionIdsToStages: other.versions,
      });
    }
    if (secretId !== secretArn && secretId !== secretName) {
      return jsonError({
        status: 400,
        type: 'ResourceNotFoundException',
        message: `Secrets Manager can't find the specified secret: ${String(secretId)}`,
      });
    }
    switch (operation) {
      case 'DescribeSecret':
        return json({
          ARN: secretArn,
          Name: secretName,
          RotationEnabled: true,
          RotationLambdaARN: 'arn:aws:lambda:us-east-1:123456789012:function:payments-db-rotation',
          LastRotatedDate: FAKE_LAST_ROTATED.getTime() / 1000,
          VersionIdsToStages: Object.fromEntries(stages),
        });
      case 'UpdateSecretVersionStage':
        return updateStage(stages, body) ?? json({ ARN: secretArn, Name: secretName });
      case 'ListSecretVersionIds':
        // No CreatedDate: the action then judges from the failure event alone.
        return json({
          ARN: secretArn,
          Name: secretName,
          Versions: [...stages].map(([VersionId, VersionStages]) => ({ VersionId, VersionStages })),
        });
      default:
        return unknownOperation('secretsmanager', operation);
    }
  };

  const eventBridge = (operation: string, body: Record<string, unknown>): Answer => {
    if (operation !== 'PutEvents') return unknownOperation('events', operation);
    const entries = Array.isArray(body.Entries) ? body.Entries : [];
    return json({ FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) });
  };

  const sns = (operation: string): Answer => {
    if (operation !== 'Publish') return unknownOperation('sns', operation);
    return {
      status: 200,
      contentType: 'text/xml',
      body:
        `<PublishResponse xmlns="${SNS_XMLNS}"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    };
  };

  const sts = (operation: string, body: Record<string, unknown>): Answer => {
    if (operation !== 'AssumeRole') return unknownOperation('sts', operation);
    const text = (value: unknown): string => (typeof value === 'string' ? value : '');
    const roleArn = text(body.RoleArn);
    const session = text(body.RoleSessionName);
    const account = roleArn.split(':')[4] ?? '';
    return {
      status: 200,
      contentType: 'text/xml',
      body:
        `<AssumeRoleResponse xmlns="${STS_XMLNS}"><AssumeRoleResult><Credentials>` +
        `<AccessKeyId>${fakeAssumedKeyId(account)}</AccessKeyId><SecretAccessKey>fake</SecretAccessKey><SessionToken>fake</SessionToken>` +
        `<Expiration>${new Date(Date.now() + 3_600_000).toISOString()}</Expiration></Credentials>` +
        `<AssumedRoleUser><Arn>${roleArn}/${session}</Arn><AssumedRoleId>AROAFAKE:${session}</AssumedRoleId></AssumedRoleUser>` +
        `</AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    };
  };

  const answer = (request: IncomingMessage, raw: string): Answer => {
    const { service, operation, body } = identify(request, raw);
    const signedFor = credentialScope(request.headers.authorization);
    requests.push({
      service,
      operation,
      body,
      ...(signedFor ? { signedFor } : {}),
      withSessionToken: header(request, 'x-amz-security-token') !== undefined,
    });
    const failure = options.failures?.[operation];
    if (failure) return service === 'sns' || service === 'sts' ? queryError(failure) : jsonError(failure);
    if (service === 'secretsmanager') return secretsManager(operation, body);
    if (service === 'events') return eventBridge(operation, body);
    if (service === 'sns') return sns(operation);
    if (service === 'sts') return sts(operation, body);
    return unknownOperation(service, operation);
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let reply: Answer;
      try {
        reply = answer(request, Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        reply = jsonError({ status: 400, type: 'SerializationException', message: String(error) });
      }
      response.writeHead(reply.status, {
        'content-type': reply.contentType,
        'content-length': Buffer.byteLength(reply.body),
        'x-amzn-requestid': randomUUID(),
      });
      response.end(reply.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    versionStages: () => Object.fromEntries([...stages].map(([id, labels]) => [id, [...labels]])),
    close: async () => {
      // The SDK keeps connections alive; without this, close() would wait for them to time out.
      server.closeAllConnections();
      if (server.listening) await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
};

/** Which service and operation a request is for: `x-amz-target` for JSON protocols, `Action` for Query. */
const identify = (request: IncomingMessage, raw: string): { service: FakeService; operation: string; body: Record<string, unknown> } => {
  const target = header(request, 'x-amz-target');
  const contentType = header(request, 'content-type') ?? '';
  if (target) {
    const [prefix = '', operation = ''] = target.split('.');
    const service: FakeService = prefix === 'secretsmanager' ? 'secretsmanager' : prefix === 'AWSEvents' ? 'events' : 'unknown';
    return { service, operation, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} };
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const body = Object.fromEntries(new URLSearchParams(raw));
    const scope = credentialScope(request.headers.authorization);
    const service: FakeService =
      scope?.service === 'sns' || body.Version === '2010-03-31'
        ? 'sns'
        : scope?.service === 'sts' || body.Version === '2011-06-15'
          ? 'sts'
          : 'unknown';
    return { service, operation: body.Action ?? '', body };
  }
  return { service: 'unknown', operation: `${request.method ?? ''} ${request.url ?? ''}`, body: { raw } };
};

const header = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const credentialScope = (authorization: string | undefined): { region: string; service: string; accessKeyId: string } | undefined => {
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  return match?.[1] && match[2] && match[3] ? { accessKeyId: match[1], region: match[2], service: match[3] } : undefined;
};

/** UpdateSecretVersionStage on the fake's state, with the checks AWS makes; undefined when it succeeded. */
const updateStage = (stages: Map<string, string[]>, body: Record<string, unknown>): Answer | undefined => {
  const label = body.VersionStage;
  const removeFrom = body.RemoveFromVersionId;
  const moveTo = body.MoveToVersionId;
  if (typeof label !== 'string') return jsonError({ status: 400, type: 'InvalidParameterException', message: 'VersionStage is required' });
  if (typeof removeFrom === 'string') {
    if (!stages.get(removeFrom)?.includes(label)) {
      return jsonError({ status: 400, type: 'InvalidParameterException', message: `${label} is not attached to version ${removeFrom}` });
    }
  }
  if (typeof moveTo === 'string' && !stages.has(moveTo)) {
    return jsonError({ status: 400, type: 'ResourceNotFoundException', message: `no version ${moveTo}` });
  }
  for (const [id, labels] of stages) {
    const kept = id === removeFrom ? labels.filter((l) => l !== label) : labels;
    if (kept.length > 0) stages.set(id, kept);
    else stages.delete(id); // A version left without labels drops out of VersionIdsToStages.
  }
  if (typeof moveTo === 'string') stages.set(moveTo, [...(stages.get(moveTo) ?? []), label]);
  return undefined;
};

const json = (body: unknown): Answer => ({ status: 200, contentType: JSON_11, body: JSON.stringify(body) });

const jsonError = ({ status, type, message }: FakeAwsError): Answer => ({
  status,
  contentType: JSON_11,
  body: JSON.stringify({ __type: type, message }),
});

const queryError = ({ status, type, message }: FakeAwsError): Answer => ({
  status,
  contentType: 'text/xml',
  body:
    `<ErrorResponse xmlns="${SNS_XMLNS}"><Error><Type>Sender</Type><Code>${type}</Code><Message>${message}</Message></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
});

const unknownOperation = (service: FakeService, operation: string): Answer => {
  const error = {
    status: 400,
    type: 'UnknownOperationException',
    message: `the fake AWS endpoint does not answer ${service} ${operation}`,
  };
  // In the error format the caller's protocol parses, so the SDK reports the name and message.
  return service === 'sns' || service === 'sts' ? queryError(error) : jsonError(error);
};

/** SNS `MessageAttributes` from Query form fields (`MessageAttributes.entry.N.Name`, `.Value.StringValue`). */
export const queryMessageAttributes = (body: Record<string, unknown>): Record<string, string> => {
  const attributes: Record<string, string> = {};
  for (let n = 1; typeof body[`MessageAttributes.entry.${n}.Name`] === 'string'; n++) {
    attributes[String(body[`MessageAttributes.entry.${n}.Name`])] = String(body[`MessageAttributes.entry.${n}.Value.StringValue`]);
  }
  return attributes;
};
