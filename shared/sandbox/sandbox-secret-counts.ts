/**
 * The secret counts of the sandbox's accounts and regions (organisation mode), as CloudWatch would
 * give them: counted from the in-memory Secrets Manager. An account-region can be made to refuse
 * (no member stack there: the read role cannot be assumed) or to have published nothing yet; each
 * call is recorded with the role it went through.
 */
import { MemberAccessError } from '../errors.js';
import type { MemberTarget } from '../ports/member-access.js';
import type { CountWindow, SecretCountsPort } from '../ports/secret-counts.js';

/** What the counts are read from: the sandbox's Secrets Manager (SandboxSecrets). */
export interface CountedSecrets {
  countIn(place: { readonly account: string; readonly region: string }): number;
}

export class SandboxSecretCounts implements SecretCountsPort {
  readonly #secrets: CountedSecrets;
  readonly #refused = new Set<string>();
  readonly #unpublished = new Set<string>();
  readonly calls: { readonly target: MemberTarget; readonly window: CountWindow }[] = [];

  public constructor(secrets: CountedSecrets) {
    this.#secrets = secrets;
  }

  /** Makes the read role of `account` in `region` refuse to be assumed. */
  public refuse(account: string, region: string): this {
    this.#refused.add(`${account}:${region}`);
    return this;
  }

  /** Makes `account` in `region` have no count published (a region that never held a secret). */
  public unpublished(account: string, region: string): this {
    this.#unpublished.add(`${account}:${region}`);
    return this;
  }

  public secretCount(target: MemberTarget, window: CountWindow): Promise<number | undefined> {
    this.calls.push({ target, window });
    const place = `${target.account}:${target.region}`;
    if (target.roleArn && this.#refused.has(place)) {
      return Promise.reject(
        MemberAccessError.refused(
          target.roleArn,
          target,
          'AccessDenied',
          `not authorized to perform: sts:AssumeRole on resource: ${target.roleArn}`,
        ),
      );
    }
    return Promise.resolve(this.#unpublished.has(place) ? undefined : this.#secrets.countIn(target));
  }
}
