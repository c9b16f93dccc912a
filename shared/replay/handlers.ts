/**
 * Every function's handler, wired to one set of ports: what the replay invokes where Lambda
 * would. One place, so the CLI and the tests cannot wire the chain differently.
 */
import { clearStalePendingAction } from '../actions/clear-stale-pending.js';
import { enableRotationAction } from '../actions/enable-rotation.js';
import { removePublicStatementsAction } from '../actions/remove-public-statements.js';
import { restoreSecretAction } from '../actions/restore-secret.js';
import { FLUSH_GRACE_MS } from '../alerts/storm.js';
import type { Mode } from '../contracts/finding.js';
import type { Policy } from '../policy/schema.js';
import { makeActionHandler } from '../handlers/action-handler.js';
import { makeHandler as makeAlertDigest } from '../handlers/alert-digest.js';
import { makeHandler as makeAlert } from '../handlers/alert.js';
import { makeHandler as makeClassify } from '../handlers/classify.js';
import { makeHandler as makeSweep } from '../handlers/sweep.js';
import type { MemberPorts } from '../domain/member-reach.js';
import type { Clock } from '../ports/clock.js';
import type { DigestPort } from '../ports/digest.js';
import type { Ports } from '../ports/index.js';
import type { ChatPort } from '../ports/notifier.js';
import type { CloudTrailHistoryPort } from '../ports/cloudtrail-history.js';
import type { SecurityHubFor } from '../ports/security-hub.js';
import { MemoryDigest } from '../sandbox/memory-digest.js';
import { RecordingChat } from '../sandbox/recording-chat.js';
import { RecordingSecurityHub } from '../sandbox/recording-security-hub.js';
import type { Handlers } from './chain.js';

export interface LocalSettings {
  readonly policy: Policy;
  readonly mode: Mode;
  /** The stage, which names the member roles (organisation mode). Default: dev. */
  readonly stage?: string;
}

/** The ports of a replay: the account's, member access, and Slack, the digest store, CloudTrail's event history and Security Hub when it has them. */
export type LocalPorts = Ports &
  MemberPorts & {
    readonly chat?: ChatPort;
    readonly digest?: DigestPort;
    readonly history?: CloudTrailHistoryPort;
    readonly securityHub?: { readonly securityHubFor: SecurityHubFor };
  };

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
export const localHandlers = (ports: LocalPorts, { policy, mode, stage = 'dev' }: LocalSettings): Handlers => {
  const alertPorts = { ...ports, chat: ports.chat ?? new RecordingChat(), digest: ports.digest ?? new MemoryDigest() };
  const { securityHubFor } = ports.securityHub ?? new RecordingSecurityHub();
  return {
    classify: makeClassify(ports, { policy, stage }),
    'clear-stale-pending': makeActionHandler(clearStalePendingAction, ports, { policy, mode, stage }),
    'enable-rotation': makeActionHandler(enableRotationAction, ports, { policy, mode, stage }),
    'restore-secret': makeActionHandler(restoreSecretAction, ports, { policy, mode, stage }),
    'remove-public-statements': makeActionHandler(removePublicStatementsAction, ports, { policy, mode, stage }),
    alert: makeAlert(
      { ...alertPorts, securityHubFor },
      { alerts: policy.alerts, securityHub: policy.securityHub, organisation: policy.organisation.enabled },
    ),
    'alert-digest': makeAlertDigest({ ...alertPorts, clock: pastOpenWindows(ports.clock, policy) }, { alerts: policy.alerts }),
    sweep: makeSweep(ports, { policy }),
  };
};
