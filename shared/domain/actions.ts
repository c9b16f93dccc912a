/**
 * The remediation actions the catalogue plans, and which of them are deployed yet. A finding
 * that plans only actions not yet deployed is alerted at once and says what would be done;
 * once an action's function exists (a route on the project bus), the same finding runs it.
 */
import type { ActionType } from '../contracts/finding.js';

export interface ActionInfo {
  /** A function of this service performs it. */
  readonly available: boolean;
  /** What it does, for alerts about findings it could not act on yet. */
  readonly description: string;
}

export const actions: Readonly<Record<ActionType, ActionInfo>> = {
  'clear-stale-pending': { available: true, description: 'remove AWSPENDING from the version a failed rotation left it on' },
  'enable-rotation': { available: true, description: 'turn automatic rotation back on with the rotation function the policy maps' },
  'restore-secret': { available: true, description: 'cancel the scheduled deletion (RestoreSecret)' },
  'remove-public-statements': {
    available: true,
    description: 'remove the offending statements from the resource policy and put the rest back with BlockPublicPolicy',
  },
};

export const isAvailable = (type: ActionType): boolean => actions[type].available;
