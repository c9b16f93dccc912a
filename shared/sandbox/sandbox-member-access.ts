/**
 * The member roles in the sandbox (organisation mode): one in-memory Secrets Manager holds the
 * secrets of every account and region of the seed (each under its ARN), and a target's view of
 * it finds only the secrets of the target's account and region, as Secrets Manager there would.
 * Every call through a view is recorded with the role and session it went through, so a test or
 * the replay can say where an action acted and as whom; a role can be made to refuse, as STS does
 * when the member stack is missing.
 */
import { MemberAccessError, SecretNotFoundError } from '../errors.js';
import type { MemberAccessPort, MemberTarget } from '../ports/member-access.js';
import type { ListSecretsRequest, SecretPage, SecretsPort } from '../ports/secrets.js';
import type { SandboxSecrets } from './sandbox-secrets.js';

/** One call through a member view. */
export interface MemberCall {
  readonly operation: keyof SecretsPort;
  readonly secretId: string;
  readonly account: string;
  readonly region: string;
  /** Absent: the hub's own credentials. */
  readonly roleArn?: string;
  readonly session: string;
}

export class SandboxMemberAccess implements MemberAccessPort {
  readonly #secrets: SandboxSecrets;
  readonly #refused = new Set<string>();
  readonly calls: MemberCall[] = [];

  public constructor(secrets: SandboxSecrets) {
    this.#secrets = secrets;
  }

  /** Makes the member role of `account` in `region` refuse to be assumed (the member stack is not deployed there). */
  public refuse(account: string, region: string): this {
    this.#refused.add(`${account}:${region}`);
    return this;
  }

  public secrets(target: MemberTarget): SecretsPort {
    const secrets = this.#secrets;
    const enter = (operation: keyof SecretsPort, secretId: string): void => {
      this.calls.push({
        operation,
        secretId,
        account: target.account,
        region: target.region,
        ...(target.roleArn ? { roleArn: target.roleArn } : {}),
        session: target.session,
      });
      if (target.roleArn && this.#refused.has(`${target.account}:${target.region}`)) {
        throw MemberAccessError.refused(
          target.roleArn,
          target,
          'AccessDenied',
          `not authorized to perform: sts:AssumeRole on resource: ${target.roleArn}`,
        );
      }
    };
    /** The secret's ARN in the target's account and region, as Secrets Manager there resolves the id. */
    const here = (secretId: string): string => {
      const arn = secrets.arnIn(target, secretId);
      if (!arn) throw new SecretNotFoundError(`ResourceNotFoundException: Secrets Manager can't find the specified secret (${secretId}).`);
      return arn;
    };
    const inTarget = (arn: string): boolean => secrets.arnIn(target, arn) === arn;
    /** Records the call, refuses it when the role does, and runs it on the secret of this account and region. */
    const via = async <T>(operation: keyof SecretsPort, secretId: string, call: (arn: string) => Promise<T>): Promise<T> => {
      enter(operation, secretId);
      return call(here(secretId));
    };
    return {
      describeSecret: (secretId) => via('describeSecret', secretId, (arn) => secrets.describeSecret(arn)),
      removeStagingLabel: (request) =>
        via('removeStagingLabel', request.secretId, (arn) => secrets.removeStagingLabel({ ...request, secretId: arn })),
      listVersions: (secretId) => via('listVersions', secretId, (arn) => secrets.listVersions(arn)),
      enableRotation: (settings) =>
        via('enableRotation', settings.secretId, (arn) => secrets.enableRotation({ ...settings, secretId: arn })),
      restoreSecret: (secretId) => via('restoreSecret', secretId, (arn) => secrets.restoreSecret(arn)),
      getResourcePolicy: (secretId) => via('getResourcePolicy', secretId, (arn) => secrets.getResourcePolicy(arn)),
      putResourcePolicy: (request) =>
        via('putResourcePolicy', request.secretId, (arn) => secrets.putResourcePolicy({ ...request, secretId: arn })),
      deleteResourcePolicy: (secretId) => via('deleteResourcePolicy', secretId, (arn) => secrets.deleteResourcePolicy(arn)),
      // The whole sandbox's listing, kept to this account and region: a page may hold fewer than 100, as AWS allows.
      listSecrets: async (request: ListSecretsRequest): Promise<SecretPage> => {
        enter('listSecrets', '');
        const page = await secrets.listSecrets(request);
        return { ...page, secrets: page.secrets.filter((secret) => inTarget(secret.arn)) };
      },
    };
  }
}
