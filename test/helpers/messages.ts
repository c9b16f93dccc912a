/** What the service puts on its bus and its alert topic, for the tests of the ports that carry them. */
import type { BusEvent } from '../../shared/ports/bus.js';
import type { AlertMessage } from '../../shared/ports/notifier.js';

export const BUS = 'secrets-remediator-dev';
export const TOPIC = 'arn:aws:sns:us-east-1:123456789012:secrets-remediator-alerts';
export const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-a1B2c3';

/** The `n`th finding event for the project bus, on the secret SECRET_ARN. */
export const findingEvent = (n: number): BusEvent => ({
  detailType: 'Secret Finding',
  detail: { findingId: `finding-${n}`, secretArn: SECRET_ARN, rule: 'clear-stale-pending' },
  resources: [SECRET_ARN],
});

/** An alert as the alert function hands it to the notifier. */
export const alertMessage: AlertMessage = {
  subject: 'Stale AWSPENDING cleared on prod/payments/db',
  body: 'AWSPENDING was left on version a1b2c3d4-5678-90ab-cdef-EXAMPLE22222 by a failed rotation; it was removed.',
  attributes: { severity: 'high', rule: 'clear-stale-pending' },
};
