/**
 * Which EventBridge rule sends what to which function: the same pattern files serverless.yml
 * loads, so the local replay routes exactly as AWS would. A test reads the packaged
 * CloudFormation template and checks every rule there against this table.
 */
import alertFindingsWithoutActions from './alert-findings-without-actions.pattern.json' with { type: 'json' };
import alertRemediationResults from './alert-remediation-results.pattern.json' with { type: 'json' };
import clearStalePendingFindings from './clear-stale-pending-findings.pattern.json' with { type: 'json' };
import enableRotationFindings from './enable-rotation-findings.pattern.json' with { type: 'json' };
import removePublicStatementsFindings from './remove-public-statements-findings.pattern.json' with { type: 'json' };
import restoreSecretFindings from './restore-secret-findings.pattern.json' with { type: 'json' };
import type { FunctionName } from '../contracts/functions.js';
import type { Policy } from '../policy/schema.js';
import { configCompliancePattern } from './config-pattern.js';
import type { EventPattern } from './match-pattern.js';
import { readCallsPattern } from './read-calls-pattern.js';
import rotationServiceEvents from './rotation-service-events.pattern.json' with { type: 'json' };
import secretsManagerApiCalls from './secretsmanager-api-calls.pattern.json' with { type: 'json' };
import securityHubFindings from './securityhub-findings.pattern.json' with { type: 'json' };
import sweepContinuations from './sweep-continuations.pattern.json' with { type: 'json' };

/** `default`: the account's default bus, where CloudTrail events arrive. `project`: the service's own bus. */
export type BusName = 'default' | 'project';

export interface Route {
  /** The pattern file's name without `.pattern.json`. */
  readonly name: string;
  readonly bus: BusName;
  readonly pattern: EventPattern;
  readonly target: FunctionName;
  /**
   * Read-only calls (GetSecretValue, ...) reach a rule only in this state; in AWS the rule is
   * declared in serverless.yml's resources because the framework cannot set it.
   */
  readonly state?: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
}

export const routes: readonly Route[] = [
  { name: 'rotation-service-events', bus: 'default', pattern: rotationServiceEvents, target: 'classify' },
  { name: 'secretsmanager-api-calls', bus: 'default', pattern: secretsManagerApiCalls, target: 'classify' },
  // Every call refused with AccessDenied* (read or write: a rule in this state gets both), and the
  // reads that can fire (see read-calls-pattern.ts). One rule, so a refused call is delivered, and
  // counted for access-denied-burst, once; the API-call pattern above leaves out calls with an
  // errorCode and names no read, so the two never overlap.
  {
    name: 'secretsmanager-read-calls',
    bus: 'default',
    pattern: readCallsPattern({ vpcEndpoints: [] }),
    target: 'classify',
    state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
  },
  { name: 'config-compliance-changes', bus: 'default', pattern: configCompliancePattern({ configRules: {} }), target: 'classify' },
  { name: 'clear-stale-pending-findings', bus: 'project', pattern: clearStalePendingFindings, target: 'clear-stale-pending' },
  { name: 'enable-rotation-findings', bus: 'project', pattern: enableRotationFindings, target: 'enable-rotation' },
  { name: 'restore-secret-findings', bus: 'project', pattern: restoreSecretFindings, target: 'restore-secret' },
  {
    name: 'remove-public-statements-findings',
    bus: 'project',
    pattern: removePublicStatementsFindings,
    target: 'remove-public-statements',
  },
  { name: 'alert-findings-without-actions', bus: 'project', pattern: alertFindingsWithoutActions, target: 'alert' },
  { name: 'alert-remediation-results', bus: 'project', pattern: alertRemediationResults, target: 'alert' },
  // A sweep short of time hands its checkpoint to its next invocation through the project bus;
  // in organisation mode the coordinator hands each account-region to a shard the same way.
  { name: 'sweep-continuations', bus: 'project', pattern: sweepContinuations, target: 'sweep' },
];

/** A function run by an EventBridge schedule rather than by an event on a bus. */
export interface Schedule {
  readonly target: FunctionName;
  /** The rule's `ScheduleExpression`, as serverless.yml declares it (a test compares them). */
  readonly expression: string;
}

/** The schedules of a deployment: the sweep's comes from the policy (`sweep.schedule`). */
export const schedulesFor = (policy: Pick<Policy, 'sweep'>): readonly Schedule[] => [
  // Storm digests go out within a minute of their window closing (+ the grace in shared/alerts/storm.ts).
  { target: 'alert-digest', expression: 'rate(1 minute)' },
  { target: 'sweep', expression: policy.sweep.schedule },
];

/** Patterns that follow the policy, by route name; the table above holds them for an empty policy. */
const fromPolicy: Readonly<Record<string, (policy: Pick<Policy, 'configRules' | 'vpcEndpoints'>) => EventPattern>> = {
  'config-compliance-changes': configCompliancePattern,
  'secretsmanager-read-calls': readCallsPattern,
};

/**
 * Security Hub's failed SecretsManager.1-4 control findings, only when the policy turns
 * `securityHub` on: Security Hub's own (its product ARN), so the findings this service imports
 * itself never come back as triggers. serverless.yml gets it from deploy/plugins/security-hub.cjs.
 */
export const securityHubRoute: Route = { name: 'securityhub-findings', bus: 'default', pattern: securityHubFindings, target: 'classify' };

/**
 * The routes of a deployment: the Config pattern also matches the policy's own names for the
 * managed rules, the read-calls pattern lets through the reads of the secrets `vpcEndpoints`
 * names, and Security Hub's control findings come in when `securityHub.enabled`.
 */
export const routesFor = (
  policy: Pick<Policy, 'configRules' | 'vpcEndpoints'> & { readonly securityHub?: { readonly enabled: boolean } },
): readonly Route[] => [
  ...routes.map((route) => {
    const patternFor = fromPolicy[route.name];
    return patternFor ? { ...route, pattern: patternFor(policy) } : route;
  }),
  ...(policy.securityHub?.enabled ? [securityHubRoute] : []),
];
