/**
 * Every function's handler, wired to one set of ports: what the replay invokes where Lambda
 * would. One place, so the CLI and the tests cannot wire the chain differently.
 */
import { makeHandler as makeAlertDigest } from '../../functions/alert-digest/make-handler.js';
import { makeHandler as makeSweep } from '../../functions/sweep/make-handler.js';
import { makeHandler as makeAlert } from '../../functions/alert/make-handler.js';
import { makeHandler as makeClassify } from '../../functions/classify/make-handler.js';
import { makeHandler as makeClearStalePending } from '../../functions/clear-stale-pending/make-handler.js';
import { makeHandler as makeEnableRotation } from '../../functions/enable-rotation/make-handler.js';
import { makeHandler as makeRemovePublicStatements } from '../../functions/remove-public-statements/make-handler.js';
import { makeHandler as makeRestoreSecret } from '../../functions/restore-secret/make-handler.js';
import { FLUSH_GRACE_MS } from '../alerts/storm.js';
import type { Mode } from '../contracts/finding.js';
import type { Policy } from '../policy/schema.js';
import type { Clock } from '../ports/clock.js';
import type { DigestPort } from '../ports/digest.js';
import type { Ports } from '../ports/index.js';
import type { ChatPort } from '../ports/notifier.js';
import { MemoryDigest } from '../sandbox/memory-digest.js';
import { RecordingChat } from '../sandbox/recording-chat.js';
import type { Handlers } from './chain.js';

export interface LocalSettings {
  readonly policy: Policy;
  readonly mode: Mode;
}

/** The ports of a replay: the account's, and Slack and the digest store when it has them. */
export type LocalPorts = Ports & { readonly chat?: ChatPort; readonly digest?: DigestPort };

/**
 * A clock past the end of every window open now, so that invoking alert-digest flushes every
 * digest at once: the replay does not wait minutes for a window to close.
 */
const pastOpenWindows = (clock: Clock, policy: Policy): Clock => ({
  now: () => new Date(clock.now().getTime() + policy.alerts.digestWindowMinutes * 60_000 + FLUSH_GRACE_MS),
});

/**
 * Every function's handler on `ports`. Slack and held alerts stay in the process when the ports
 * have none of their own (a live replay posts nothing to Slack); `alert-digest` runs with a clock
 * past the open windows, so invoking it at the end of a replay sends every pending digest.
 */
export const localHandlers = (ports: LocalPorts, { policy, mode }: LocalSettings): Handlers => {
  const alertPorts = { ...ports, chat: ports.chat ?? new RecordingChat(), digest: ports.digest ?? new MemoryDigest() };
  return {
    classify: makeClassify(ports, { policy }),
    'clear-stale-pending': makeClearStalePending(ports, { policy, mode }),
    'enable-rotation': makeEnableRotation(ports, { policy, mode }),
    'restore-secret': makeRestoreSecret(ports, { policy, mode }),
    'remove-public-statements': makeRemovePublicStatements(ports, { policy, mode }),
    alert: makeAlert(alertPorts, { alerts: policy.alerts }),
    'alert-digest': makeAlertDigest({ ...alertPorts, clock: pastOpenWindows(ports.clock, policy) }, { alerts: policy.alerts }),
    sweep: makeSweep(ports, { policy }),
  };
};
