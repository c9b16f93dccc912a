/**
 * Every function's handler, wired to one set of ports: what the replay invokes where Lambda
 * would. One place, so the CLI and the tests cannot wire the chain differently.
 */
import { makeHandler as makeAlert } from '../../functions/alert/make-handler.js';
import { makeHandler as makeClassify } from '../../functions/classify/make-handler.js';
import { makeHandler as makeClearStalePending } from '../../functions/clear-stale-pending/make-handler.js';
import { makeHandler as makeEnableRotation } from '../../functions/enable-rotation/make-handler.js';
import { makeHandler as makeRemovePublicStatements } from '../../functions/remove-public-statements/make-handler.js';
import { makeHandler as makeRestoreSecret } from '../../functions/restore-secret/make-handler.js';
import type { Mode } from '../contracts/finding.js';
import type { Policy } from '../policy/schema.js';
import type { Ports } from '../ports/index.js';
import type { Handlers } from './chain.js';

export interface LocalSettings {
  readonly policy: Policy;
  readonly mode: Mode;
  /** Role-name prefix of this service's own roles, as the deployment names them. */
  readonly serviceRolePrefix: string;
}

export const localHandlers = (ports: Ports, { policy, mode, serviceRolePrefix }: LocalSettings): Handlers => ({
  classify: makeClassify(ports, { policy, serviceRolePrefix }),
  'clear-stale-pending': makeClearStalePending(ports, { policy, mode }),
  'enable-rotation': makeEnableRotation(ports, { policy, mode }),
  'restore-secret': makeRestoreSecret(ports, { policy, mode }),
  'remove-public-statements': makeRemovePublicStatements(ports, { policy, mode }),
  alert: makeAlert(ports),
});
