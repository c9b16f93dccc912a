/**
 * What every subcommand of the `secrets-remediator` CLI shares: one set of exit codes and one
 * usage error, so `replay`, `scan`, `validate` and `invoke` answer a script the same way.
 */

/**
 * Exit codes, the same for every subcommand:
 * - 0: done, nothing to report;
 * - 1: the command worked and found something a script should stop on (scan: a finding at or
 *   above `--fail-on`; replay and invoke: an event was rejected);
 * - 2: the command could not do its job: unknown flag, bad value, missing file, invalid policy,
 *   no credentials or region, an endpoint that does not answer.
 */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export { UsageError } from '../errors.js';
