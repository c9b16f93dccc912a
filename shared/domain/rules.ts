/**
 * The rule catalogue as data (DESIGN §4). A rule says which events trigger it, how severe its
 * finding is, which control or practice it maps to, and which actions it plans. The
 * EventBridge patterns in `shared/rules/*.pattern.json` decide what reaches `classify`; this
 * table decides what a delivered event means.
 */
import type { ActionType, Severity } from '../contracts/finding.js';

export const SERVICE_EVENT = 'AWS Service Event via CloudTrail';
export const API_CALL = 'AWS API Call via CloudTrail';

export interface Rule {
  readonly id: string;
  readonly title: string;
  readonly trigger: { readonly detailType: string; readonly eventNames: readonly string[] };
  readonly severity: Severity;
  /** Security Hub control, where one exists. */
  readonly control?: string;
  /** Number of the best-practice guide's practice (DESIGN §1), where the catalogue names one. */
  readonly practice?: number;
  /** Remediations planned, in order. A rule plans at most one: one result, then one alert. */
  readonly actions: readonly [] | readonly [ActionType];
}

const ruleTable = [
  {
    id: 'rotation-failed',
    title: 'Secret rotation failed',
    trigger: { detailType: SERVICE_EVENT, eventNames: ['RotationFailed', 'RotationAbandoned', 'TestRotationFailed'] },
    severity: 'high',
    control: 'SecretsManager.2',
    actions: ['clear-stale-pending'],
  },
  {
    id: 'rotation-succeeded',
    title: 'Secret rotation succeeded',
    trigger: { detailType: SERVICE_EVENT, eventNames: ['RotationSucceeded'] },
    severity: 'info',
    control: 'SecretsManager.2',
    actions: [],
  },
] as const satisfies readonly Rule[];

export type RuleId = (typeof ruleTable)[number]['id'];

/** The table, widened for lookups. */
export const rules: readonly Rule[] = ruleTable;

/** The rules an event triggers, by its detail-type and CloudTrail eventName. */
export const rulesTriggeredBy = (detailType: string, eventName: string): readonly Rule[] =>
  rules.filter((rule) => rule.trigger.detailType === detailType && rule.trigger.eventNames.includes(eventName));
