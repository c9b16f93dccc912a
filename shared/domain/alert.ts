/**
 * Finding (+ the result of its action) → the alert on-call reads by email. Kept for its callers
 * (the alert function, the replay): the alert itself is built by `shared/alerts` — one model,
 * three renderings (plain text, AWS Chatbot, Slack) — from the finding's fields only, never
 * from the raw event, with every string that came from an event redacted.
 */
import type { ActionResult, Finding } from '../contracts/finding.js';
import { formatStages } from '../alerts/format.js';
import { SNS_LIMITS } from '../alerts/limits.js';
import { subjectOf as alertSubject } from '../alerts/model.js';
import { renderFinding } from '../alerts/render.js';
import type { AlertMessage } from '../ports/notifier.js';

/** The longest subject SNS accepts ("less than 100 characters"). */
export const MAX_SUBJECT = SNS_LIMITS.subjectChars;

/** Renders one alert for a finding, after its action (if any) settled: the SNS message (plain text). */
export const renderAlert = (finding: Finding, result?: ActionResult): AlertMessage => renderFinding(finding, result).sns;

/** `[HIGH] rotation-failed: name (account/region)`, the secret's name shortened to fit 99 ASCII characters. */
export const subjectOf = (finding: Finding): string => alertSubject(finding);

export { formatStages };
