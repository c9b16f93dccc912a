/**
 * Throughput of the classify function's pure core: JSON text → parseClassifiableEvent (zod) →
 * classify, over the sample events in `events/`, with JSON.parse and the zod parse alone beside
 * it (what they take is a floor no classify can go under). One op = one event; each task cycles through the
 * samples so that cheap and expensive events are weighed as the samples are mixed.
 */
import { relative } from 'node:path';
import { Bench, type Task } from 'tinybench';
import { type ClassifiableEvent, parseClassifiableEvent } from '../shared/contracts/cloudtrail-event.js';
import { classify, type ClassifyContext } from '../shared/domain/classify.js';
import { loadPolicy } from '../shared/policy/load-policy.js';
import { findEventFiles, loadEvent } from '../shared/replay/load-events.js';

/** The sample world's policy, as `npm start` classifies by it; the secret state is not read (no I/O in the loop). */
const context: ClassifyContext = { policy: loadPolicy({ file: 'events/policy.yml', stage: 'dev' }) };

export interface BenchEvent {
  readonly file: string;
  /** The event as compact JSON, as Lambda receives the invoke payload before parsing it. */
  readonly text: string;
  readonly parsed: ClassifiableEvent;
  readonly kind: 'findings' | 'no-finding' | 'ignored';
  /** A bare CloudTrail record wrapped in the EventBridge envelope (as the replay does). */
  readonly wrapped: boolean;
}

export interface LoadedSamples {
  readonly events: readonly BenchEvent[];
  /** Files left out, with the reason: not JSON, or parse/classify throws. */
  readonly skipped: ReadonlyArray<{ readonly file: string; readonly reason: string }>;
}

/** Every event under `eventsDir` that parses and classifies without throwing. */
export const loadSamples = (eventsDir: string): LoadedSamples => {
  const events: BenchEvent[] = [];
  const skipped: Array<{ file: string; reason: string }> = [];
  for (const path of findEventFiles([eventsDir])) {
    const file = relative(eventsDir, path);
    const { event } = loadEvent(path);
    if (!event.ok) {
      skipped.push({ file, reason: event.problem });
      continue;
    }
    try {
      const text = JSON.stringify(event.value);
      const parsed = parseClassifiableEvent(JSON.parse(text));
      events.push({ file, text, parsed, kind: classify(parsed, context).kind, wrapped: event.wrapped });
    } catch (error) {
      skipped.push({ file, reason: (error as Error).message });
    }
  }
  return { events, skipped };
};

export interface ThroughputResult {
  readonly task: string;
  /** Sustained events per second: runs / total time, i.e. 1000 / mean latency in ms. */
  readonly hz: number;
  /** Relative margin of error of the mean latency (and so of `hz`), in percent. */
  readonly rmePercent: number;
  /** tinybench's `throughput.mean`: the mean of per-sample rates (≥ hz when latencies vary). */
  readonly tinybenchMeanHz: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly samples: number;
}

/** Runs the three tasks; `timeMs` per task after `warmupMs` of warmup. */
export const measureThroughput = (events: readonly BenchEvent[], timeMs: number, warmupMs: number): ThroughputResult[] => {
  if (events.length === 0) throw new Error('no sample event parses and classifies; nothing to measure');
  const texts = events.map((event) => event.text);
  const parsed = events.map((event) => event.parsed);
  const raws = texts.map((text) => JSON.parse(text) as unknown);
  const next = cycler(events.length);
  let sink: unknown;

  const bench = new Bench({ time: timeMs, warmupTime: warmupMs, throws: true });
  bench
    .add('JSON.parse + parse + classify', () => {
      sink = classify(parseClassifiableEvent(JSON.parse(texts[next()] ?? '')), context);
    })
    // The floor under the goal: what reading the JSON text alone costs, before any validation.
    .add('JSON.parse alone', () => {
      sink = JSON.parse(texts[next()] ?? '');
    })
    .add('parse (zod, pre-JSON.parsed)', () => {
      sink = parseClassifiableEvent(raws[next()]);
    })
    .add('classify (pre-parsed)', () => {
      const event = parsed[next()];
      if (event) sink = classify(event, context);
    });
  bench.runSync();
  if (sink === undefined) throw new Error('the benchmark ran no task');
  return bench.tasks.map(toResult);
};

/** An index that goes round 0, 1, …, n-1, 0, … across calls. */
const cycler = (n: number): (() => number) => {
  let index = -1;
  return () => (index = (index + 1) % n);
};

const toResult = (task: Task): ThroughputResult => {
  const { result } = task;
  if (result.state !== 'completed') {
    throw new Error(`benchmark task "${task.name}" ${result.state === 'errored' ? `failed: ${result.error.message}` : result.state}`);
  }
  return {
    task: task.name,
    hz: 1000 / result.latency.mean,
    rmePercent: result.latency.rme,
    tinybenchMeanHz: result.throughput.mean,
    p50Us: result.latency.p50 * 1000,
    p99Us: result.latency.p99 * 1000,
    samples: result.latency.samplesCount,
  };
};
