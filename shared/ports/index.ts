import type { EventBusPort } from './bus.js';
import type { Clock } from './clock.js';
import type { CompliancePort, LedgerPort } from './ledger.js';
import type { NotifierPort } from './notifier.js';
import type { SecretsPort } from './secrets.js';

/** Everything a handler talks to; built once per cold start by a composition root. */
export interface Ports {
  readonly secrets: SecretsPort;
  readonly bus: EventBusPort;
  readonly notifier: NotifierPort;
  readonly clock: Clock;
  readonly ledger: LedgerPort;
  readonly compliance: CompliancePort;
}

export type { NotifierPort } from './notifier.js';
export type { EventBusPort } from './bus.js';
export type { Clock } from './clock.js';
export type { CompliancePort, LedgerPort } from './ledger.js';
export type { SecretState, SecretsPort } from './secrets.js';
