/**
 * `replay --live` (and `invoke --live`) in organisation mode: the run takes the deployed hub's
 * place, and reaches the members only as far as the person running it honestly can.
 *
 * - It runs as the hub whose alert topic it publishes to (the topic's account and region), so
 *   every scope decision is the deployed hub's: an event outside the scope is ignored with the
 *   reason, a member's event is judged by the hub.
 * - It reads a member through that member's read role, which the member stack lets the hub
 *   account's principals assume (the trust `scan --role-name` uses: docs/organisation.md), so
 *   classify reads tags there as the deployed classify does.
 * - It never acts in a member. Each member action role trusts only the hub's function role for
 *   that action, which Lambda alone may assume: these credentials cannot become it, and acting
 *   with any other role would step outside what the member stack allows. In dry run an action
 *   makes its reads through the read role instead (the same reads, which that role allows) and
 *   plans, writing nothing; in enforce mode it is refused before anything is asked, `failed` with
 *   what to do. The hub's own account and region are reached with these credentials, as in a
 *   single-account replay.
 */
import type { Mode } from '../contracts/finding.js';
import { memberRoleArn } from '../domain/organisation-scope.js';
import { MemberAccessError, UsageError } from '../errors.js';
import type { Policy } from '../policy/schema.js';
import type { MemberAccessPort, MemberTarget } from '../ports/member-access.js';
import type { SecretsPort } from '../ports/secrets.js';

/** Where the deployed hub runs: its alert topic's account and region. */
export interface LiveHub {
  readonly account: string;
  readonly region: string;
}

const TOPIC_ARN = /^arn:aws[\w-]*:sns:([a-z]{2,}(?:-[a-z]+)+-\d+):(\d{12}):[\w-]{1,256}$/;

/**
 * The hub a live replay stands in for: the account and region of `--topic-arn`, the hub stack's
 * own topic. A UsageError when it is not a topic ARN, or `--region` names another region (the
 * replay's clients would then miss the hub's bus and topic).
 */
export const liveHub = (topicArn: string, region: string | undefined): LiveHub => {
  const match = TOPIC_ARN.exec(topicArn);
  if (!match?.[1] || !match[2])
    throw new UsageError(
      `--topic-arn ${topicArn}: in organisation mode the replay runs as the hub that owns this topic, so give its ARN (arn:aws:sns:<region>:<account>:<name>)`,
    );
  const hub = { region: match[1], account: match[2] };
  if (region !== undefined && region !== hub.region)
    throw new UsageError(
      `--region ${region}, but the hub's topic is in ${hub.region}: in organisation mode the replay runs as that hub; pass --region ${hub.region}`,
    );
  return hub;
};

/** Every Secrets Manager call failing with `error`, before anything is asked. */
const refused = (error: MemberAccessError): SecretsPort => {
  const refuse = () => Promise.reject(error);
  return {
    describeSecret: refuse,
    listVersions: refuse,
    getResourcePolicy: refuse,
    listSecrets: refuse,
    removeStagingLabel: refuse,
    enableRotation: refuse,
    restoreSecret: refuse,
    putResourcePolicy: refuse,
    deleteResourcePolicy: refuse,
  };
};

/** `port` for reading only: every write fails with `error` (the read role could not make it anyway). */
const readOnly = (port: SecretsPort, error: MemberAccessError): SecretsPort => ({
  ...refused(error),
  describeSecret: (secretId) => port.describeSecret(secretId),
  listVersions: (secretId) => port.listVersions(secretId),
  getResourcePolicy: (secretId) => port.getResourcePolicy(secretId),
  listSecrets: (request) => port.listSecrets(request),
});

export interface LiveReplayMembersSettings {
  /** Member access through STS, with the credentials of the person running the replay. */
  readonly members: MemberAccessPort;
  readonly organisation: Pick<Policy['organisation'], 'roleNamePrefix'>;
  readonly stage: string;
  readonly mode: Mode;
}

/**
 * The members as a live replay reaches them (see the header): the read role as it is; an action
 * role replaced by the read role in dry run, with its writes refused; in enforce mode refused.
 */
export const liveReplayMembers = ({ members, organisation, stage, mode }: LiveReplayMembersSettings): MemberAccessPort => ({
  secrets: (target: MemberTarget): SecretsPort => {
    const { roleArn } = target;
    if (roleArn === undefined) return members.secrets(target);
    const readRole = memberRoleArn(organisation, stage, 'read', target);
    if (roleArn === readRole) return members.secrets(target);
    const refusal = new MemberAccessError(
      roleArn,
      `replay --live does not act in member account ${target.account}/${target.region}: ${roleArn} trusts only the hub's function role for that action, ` +
        `which these credentials are not. Let the deployed hub act on the event, replay it with --mode dry-run to see the plan (read through ${readRole}), ` +
        'or replay it without --live in the sandbox',
    );
    return mode === 'dry-run' ? readOnly(members.secrets({ ...target, roleArn: readRole }), refusal) : refused(refusal);
  },
});
