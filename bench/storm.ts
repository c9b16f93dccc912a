/**
 * A storm in ten messages: 1,000 findings of one rule within a window, replayed through the real
 * chain (the sample events copied for 1,000 secrets, the real patterns and functions, the sandbox
 * holding every secret), then alert-digest once. Counts what each channel was sent — the first
 * `alerts.digestAfter` alerts one by one included — and the findings the email does not list.
 * Goal: at most 10 messages a channel, none lost.
 */
import { logger } from '../shared/logger.js';
import { loadPolicy } from '../shared/policy/load-policy.js';
import { DEFAULT_POLICY, type Policy } from '../shared/policy/schema.js';
import { replayStorm, STORM_SHAPES, type StormShape, stormEvents } from '../test/helpers/storm.js';

/** At most this many messages on each channel for a storm of 1,000 findings of one rule. */
export const STORM_GOAL_MESSAGES = 10;

export interface StormResult {
  readonly shape: StormShape;
  readonly findings: number;
  readonly digestAfter: number;
  readonly messages: { readonly sns: number; readonly chatbot: number; readonly slack: number };
  /** Email parts of the digest (SNS messages past the alerts sent one by one). */
  readonly digestParts: number;
  /** Findings whose id the email does not name. */
  readonly lost: number;
  readonly seconds: number;
  readonly pass: boolean;
}

/**
 * The sample world's policy (email, Chatbot and Slack all on) with the product's default
 * `digestAfter`, as a deployment that kept it would run.
 */
const stormPolicy = (): Policy => {
  const sample = loadPolicy({ file: 'events/policy.yml', stage: 'dev' });
  return { ...sample, alerts: { ...sample.alerts, digestAfter: DEFAULT_POLICY.alerts.digestAfter } };
};

/** Replays each storm shape of `count` findings and measures what it sent. */
export const measureStorms = async (count = 1000): Promise<StormResult[]> => {
  const policy = stormPolicy();
  // Three thousand invocations' structured logs would bury the table (the CLI silences them too).
  logger.setLogLevel('SILENT');
  const results: StormResult[] = [];
  for (const shape of Object.keys(STORM_SHAPES) as StormShape[]) {
    const { events, seeds } = stormEvents(shape, count);
    const started = performance.now();
    const storm = await replayStorm(events, seeds, policy);
    const email = storm.email.map((m) => m.body).join('\n');
    const lost = storm.findings.filter((f) => !email.includes(`finding ${f.id}`)).length + Math.max(count - storm.findings.length, 0);
    const { messages } = storm.summary;
    results.push({
      shape,
      findings: storm.findings.length,
      digestAfter: policy.alerts.digestAfter,
      messages,
      digestParts: storm.email.filter((m) => m.attributes.secret === 'digest').length,
      lost,
      seconds: (performance.now() - started) / 1000,
      pass: lost === 0 && Object.values(messages).every((n) => n <= STORM_GOAL_MESSAGES),
    });
  }
  return results;
};
