/**
 * What the in-memory accounts (`SandboxSecrets`, `SyntheticSecrets`) share about ListSecrets: the
 * `name` filter's rules, the opaque NextToken, and an opt-in simulation of the call's latency and
 * of its per-region quota (100 calls per second), so that tests and the sweep benchmark
 * meet what AWS would do to them.
 */
import { sleep as wait } from '../time.js';
import { InvalidSecretStateError, ThrottlingError } from '../errors.js';

/** ListSecrets returns at most this many secrets per call (`MaxResults` ≤ 100). */
export const LIST_PAGE_SIZE = 100;

/** At most 10 values per filter (AWS `Filter.Values`). */
const MAX_FILTER_VALUES = 10;
/** AWS's pattern for a filter value: a leading `!` negates it. */
const FILTER_VALUE = /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/;
const MAX_FILTER_VALUE_LENGTH = 512;

const invalidParameter = (message: string): InvalidSecretStateError =>
  new InvalidSecretStateError(`ListSecrets: InvalidParameterException: ${message}`);

/**
 * Refuses the filter values AWS refuses: none, more than 10, or one outside AWS's pattern. The
 * error is the one the SDK adapter maps InvalidParameterException to, so both fail alike.
 */
export const checkNameFilter = (values: readonly string[]): void => {
  if (values.length === 0) throw invalidParameter('a filter needs at least one value');
  if (values.length > MAX_FILTER_VALUES) throw invalidParameter(`a filter takes at most ${MAX_FILTER_VALUES} values, got ${values.length}`);
  for (const value of values) {
    if (value.length > MAX_FILTER_VALUE_LENGTH || !FILTER_VALUE.test(value))
      throw invalidParameter(`invalid filter value ${JSON.stringify(value)}`);
  }
};

/**
 * The `name` filter: each value is a case-sensitive prefix, `!prefix` matches the names that do not
 * start with it, and the values are ORed. (How AWS combines a negated value with others in one
 * filter is not documented; plain OR is the reading the service's own code never relies on.)
 */
export const matchesNameFilter = (name: string, values: readonly string[] | undefined): boolean =>
  values === undefined || values.some((value) => (value.startsWith('!') ? !name.startsWith(value.slice(1)) : name.startsWith(value)));

/** The filter a token belongs to; names cannot hold a newline, so joining on one is unambiguous. */
const filterKey = (values: readonly string[] | undefined): string => (values === undefined ? '*' : `name:${values.join('\n')}`);

/**
 * An opaque NextToken: where the next page starts, bound to the filter it was issued for. AWS's
 * token "only continues the same filter"; reusing it with another is refused, here explicitly.
 */
export const encodeListToken = (values: readonly string[] | undefined, position: unknown): string =>
  Buffer.from(JSON.stringify({ filter: filterKey(values), position }), 'utf8').toString('base64url');

/** The position a token carries; throws InvalidParameter when it is not ours or was issued for another filter. */
export const decodeListToken = (token: string, values: readonly string[] | undefined): unknown => {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidParameter('the NextToken is not valid');
  }
  if (typeof decoded !== 'object' || decoded === null || !('filter' in decoded) || !('position' in decoded)) {
    throw invalidParameter('the NextToken is not valid');
  }
  if (decoded.filter !== filterKey(values)) throw invalidParameter('the NextToken was issued for a different filter');
  return decoded.position;
};

/** What to simulate of a call: both off unless asked for, so ordinary tests stay instant. */
export interface CallSimulationOptions {
  /** Milliseconds each call takes (resolved with `sleep`). */
  readonly latencyMs?: number;
  /** The quota: more calls than this within any rolling second are throttled. */
  readonly callsPerSecond?: number;
  /** The clock the quota's window is measured on (default `Date.now`, which p-queue and fake timers use too). */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Latency and a rolling-window quota for one operation. The quota throws the error the SDK
 * adapter makes of `ThrottlingException` (a ThrottlingError), the same kind `failNext` injects.
 * A throttled call is refused before it takes time and does not use up the quota, as with AWS.
 */
export class CallSimulation {
  readonly #operation: string;
  readonly #latencyMs: number;
  readonly #quota: number | undefined;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  /** The start times of the last `quota` accepted calls, as a ring: its oldest decides the next. */
  readonly #window: number[] = [];
  #next = 0;
  /** Calls refused by the quota so far. */
  public throttled = 0;
  /** When each accepted call started (only while `record` is on, for tests that check the pacing). */
  public readonly started: number[] = [];
  readonly #record: boolean;

  public constructor(operation: string, options: CallSimulationOptions & { readonly record?: boolean } = {}) {
    this.#operation = operation;
    this.#latencyMs = options.latencyMs ?? 0;
    this.#quota = options.callsPerSecond;
    // Read at each call, not captured: fake timers installed later must be seen.
    this.#now = options.now ?? (() => Date.now());
    this.#sleep = options.sleep ?? wait;
    this.#record = options.record ?? false;
    if (this.#quota !== undefined && !(Number.isInteger(this.#quota) && this.#quota > 0)) {
      throw new RangeError(`callsPerSecond must be a positive integer, got ${String(this.#quota)}`);
    }
  }

  /** Admits one call (or throws throttling), then waits out its latency. */
  public async enter(): Promise<void> {
    const now = this.#now();
    if (this.#quota !== undefined) {
      const oldest = this.#window[this.#next];
      // Full window, and its oldest call less than a second ago: this one would be quota + 1.
      if (this.#window.length === this.#quota && oldest !== undefined && now - oldest < 1000) {
        this.throttled++;
        throw new ThrottlingError(`${this.#operation}: ThrottlingException: Rate exceeded`);
      }
      this.#window[this.#next] = now;
      this.#next = (this.#next + 1) % this.#quota;
    }
    if (this.#record) this.started.push(now);
    if (this.#latencyMs > 0) await this.#sleep(this.#latencyMs);
  }
}
