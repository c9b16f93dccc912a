/**
 * The service's functions, by the short name serverless.yml gives each: what the event routes
 * target, what the replay invokes, and the middle of every role and function name deployed.
 */
export const functionNames = [
  'classify',
  'clear-stale-pending',
  'enable-rotation',
  'restore-secret',
  'remove-public-statements',
  'alert',
  'alert-digest',
  'sweep',
] as const;
export type FunctionName = (typeof functionNames)[number];
