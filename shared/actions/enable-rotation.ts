/**
 * enable-rotation: turn automatic rotation back on (rotation-disabled) or on at all
 * (rotation-missing), honestly: a service-managed secret gets managed rotation; any
 * other needs a rotation function, chosen by the secret's tag, else the policy's longest matching
 * name prefix, else the policy's default, else the function the secret rotated with before
 * rotation was turned off. When none applies the action does not guess: it refuses and says what
 * to configure. The schedule and whether to rotate at once come from the policy.
 */
import { LAMBDA_FUNCTION_ARN } from '../contracts/lambda-arn.js';
import type { Policy } from '../policy/schema.js';
import type { SecretState } from '../ports/secrets.js';
import { mappedRotationFunctions } from './rotation-functions.js';
import type { ActionDefinition, ActionPlan } from './types.js';

type Chosen =
  | { readonly kind: 'function'; readonly arn: string; readonly source: string }
  | { readonly kind: 'refuse'; readonly reason: string };

/** The name prefix to suggest for a secret: its first path segment (`prod/`), or the whole name when it has none. */
const suggestedPrefix = (name: string): string => {
  const slash = name.indexOf('/');
  return slash === -1 ? name : name.slice(0, slash + 1);
};

/** The rotation function for a secret no other service manages: the tag, the longest prefix, the default, the previous one. */
const chooseFunction = (secret: SecretState, functions: Policy['rotation']['functions']): Chosen => {
  const { byTag, byNamePrefix } = functions;
  const tagged = byTag === null ? undefined : secret.tags[byTag];
  if (byTag !== null && tagged !== undefined) {
    return LAMBDA_FUNCTION_ARN.test(tagged)
      ? { kind: 'function', arn: tagged, source: `function from the secret's tag ${byTag}` }
      : {
          kind: 'refuse',
          reason:
            `the tag ${byTag} on ${secret.name} is ${JSON.stringify(tagged)}, which is not a Lambda function ARN ` +
            `(arn:aws:lambda:<region>:<account>:function:<name>): set it to the rotation function's ARN, or remove it to use the policy's mapping`,
        };
  }
  const prefix = Object.keys(byNamePrefix)
    .filter((p) => secret.name.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  const mapped = prefix === undefined ? undefined : byNamePrefix[prefix];
  if (prefix !== undefined && mapped !== undefined) {
    return { kind: 'function', arn: mapped, source: `function from rotation.functions.byNamePrefix[${JSON.stringify(prefix)}]` };
  }
  if (functions.default !== null) return { kind: 'function', arn: functions.default, source: 'function from rotation.functions.default' };
  // After CancelRotateSecret the secret keeps its function: turning rotation back on with it is what
  // a person would do. Only after the policy's mappings, so that the policy can move a secret on.
  if (secret.rotationLambdaArn) {
    return {
      kind: 'function',
      arn: secret.rotationLambdaArn,
      source: 'function reused: the one the secret rotated with before (no tag or policy mapping applies)',
    };
  }
  const tagAdvice = byTag === null ? '' : `tag the secret ${byTag}=<Lambda ARN>, or `;
  return {
    kind: 'refuse',
    reason:
      `no rotation function is mapped for ${secret.name}: ${tagAdvice}add rotation.functions.byNamePrefix[${JSON.stringify(suggestedPrefix(secret.name))}] ` +
      'or rotation.functions.default to the policy',
  };
};

const scheduleWords = (schedule: string): string => (schedule.startsWith('rate(') ? `every ${schedule}` : `on the schedule ${schedule}`);

export const enableRotationAction: ActionDefinition = {
  type: 'enable-rotation',
  // RotateSecret checks that the caller may invoke the rotation function, hence
  // lambda:InvokeFunction; the deployment limits its Resource to the functions the policy maps.
  permissions: ['secretsmanager:RotateSecret', 'lambda:InvokeFunction'],
  configRule: 'secretsmanager-rotation-enabled-check',
  describeState: (secret) => rotationState(secret),
  plan: ({ secret, policy }): ActionPlan => {
    if (secret.deletedDate) {
      return {
        kind: 'leave',
        reason: `the secret is scheduled for deletion (since ${secret.deletedDate.toISOString()}): rotation cannot be turned on`,
      };
    }
    if (secret.rotationEnabled) return { kind: 'leave', reason: 'rotation is on again' };

    const { schedule, rotateImmediately } = policy.rotation;
    const now = rotateImmediately ? ' and rotate it now' : '';
    const timing = [
      `schedule from rotation.schedule: ${schedule}`,
      `rotate immediately: ${rotateImmediately ? 'yes' : 'no'} (rotation.rotateImmediately)`,
    ];
    let rotationLambdaArn: string | undefined;
    let reason: string;
    let details: string[];
    if (secret.owningService) {
      reason = `turn on managed rotation (the secret is managed by ${secret.owningService}) ${scheduleWords(schedule)}${now}`;
      details = ['managed rotation: the owning service rotates it, no rotation function', ...timing];
    } else {
      const chosen = chooseFunction(secret, policy.rotation.functions);
      if (chosen.kind === 'refuse') return chosen;
      // The role may invoke only the functions the policy maps: a tag or the previous setting may
      // choose among them, never widen them.
      if (!mappedRotationFunctions(policy).includes(chosen.arn)) {
        return {
          kind: 'refuse',
          reason:
            `${chosen.source} is ${chosen.arn}, which the policy does not map, so this service may not invoke it: ` +
            `add it to rotation.functions.byNamePrefix or rotation.functions.default in the policy and deploy again`,
        };
      }
      rotationLambdaArn = chosen.arn;
      reason = `turn on rotation with ${chosen.arn} ${scheduleWords(schedule)}${now}`;
      details = [chosen.source, ...timing];
    }

    return {
      kind: 'change',
      reason,
      details,
      expectedState: rotationState({
        rotationEnabled: true,
        rotationSchedule: schedule,
        ...(rotationLambdaArn ? { rotationLambdaArn } : {}),
      }),
      apply: (secrets) =>
        secrets.enableRotation({
          secretId: secret.arn,
          ...(rotationLambdaArn ? { rotationLambdaArn } : {}),
          scheduleExpression: schedule,
          rotateImmediately,
        }),
      verify: (after) => (after.rotationEnabled ? undefined : 'RotateSecret succeeded, but DescribeSecret still shows rotation off'),
    };
  },
};

/** Rotation as on-call needs to see it: on or off, with which function and schedule. */
const rotationState = (secret: Pick<SecretState, 'rotationEnabled' | 'rotationLambdaArn' | 'rotationSchedule'>): string =>
  `rotation ${secret.rotationEnabled ? 'on' : 'off'}` +
  (secret.rotationLambdaArn ? `, function ${secret.rotationLambdaArn}` : '') +
  (secret.rotationSchedule ? `, ${secret.rotationSchedule}` : '');
