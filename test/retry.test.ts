/**
 * The one retry loop and its backoff, on their own: waits bounded and jittered, attempts and the
 * deadline respected, final failures not retried, the hook and the stop check called where they
 * say. Time is injected (a recorded sleep on a counted clock): nothing here waits.
 */
import { describe, expect, it } from 'vitest';
import { PermissionDeniedError, ThrottlingError, TransientAwsError } from '../shared/errors.js';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay, isTransient, type PendingRetry, type RetryEnding, retry } from '../shared/retry.js';

/** A clock that moves only when the retry loop sleeps, and the waits it slept. */
const fakeTime = (start = 1_000_000) => {
  let time = start;
  const waits: number[] = [];
  return {
    waits,
    now: () => time,
    sleep: (ms: number): Promise<void> => {
      waits.push(ms);
      time += ms;
      return Promise.resolve();
    },
  };
};

/** A call that fails with each of `failures` in turn, then answers `'done'`; counts its attempts. */
const failing = (...failures: Error[]) => {
  const attempts: number[] = [];
  const call = (attempt: number): Promise<string> => {
    attempts.push(attempt);
    const failure = failures[attempts.length - 1];
    return failure === undefined ? Promise.resolve('done') : Promise.reject(failure);
  };
  return { call, attempts };
};

const throttled = () => new ThrottlingError('ListSecrets: ThrottlingException: Rate exceeded');
const unavailable = () => new TransientAwsError('DescribeSecret: InternalServiceError (HTTP 500)');

/** The call's outcome as data: rejections are asserted like values. */
const settle = async <T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> => {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
};

describe('Function: backoffDelay', () => {
  it('backs off exponentially with equal jitter, and never longer than the cap', () => {
    // Act
    const shortest = [1, 2, 3].map((attempt) => backoffDelay(attempt, {}, () => 0));
    const longest = [1, 2, 3].map((attempt) => backoffDelay(attempt, {}, () => 1));

    // Assess
    expect(shortest).toStrictEqual([100, 200, 400]);
    expect(longest).toStrictEqual([200, 400, 800]);
    expect(backoffDelay(40, {}, () => 1)).toBe(BACKOFF_CAP_MS);
    expect(backoffDelay(40, {}, () => 0)).toBe(BACKOFF_CAP_MS / 2);
  });

  it('draws the random half from the random source it is given, so two callers that failed together wait apart', () => {
    // Act
    const delays = [0, 0.25, 0.5, 0.999].map((r) => backoffDelay(2, {}, () => r));

    // Assess
    expect(delays).toStrictEqual([200, 250, 300, 399.8]);
    expect(new Set(delays).size).toBe(delays.length);
  });

  it('takes its own base and cap', () => {
    // Act
    const delays = [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, { baseMs: 500, capMs: 8000 }, () => 1));

    // Assess
    expect(delays).toStrictEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it('stays between half the ceiling and the ceiling whatever the random source answers in [0, 1)', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      // Act
      const delay = backoffDelay(attempt);

      // Assess
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });
});

describe('Function: isTransient', () => {
  it('retries throttling and the other transient AWS failures, and nothing else', () => {
    expect(isTransient(throttled())).toBe(true);
    expect(isTransient(unavailable())).toBe(true);
    expect(isTransient(new PermissionDeniedError('AccessDenied'))).toBe(false);
    expect(isTransient(new Error('bug'))).toBe(false);
    expect(isTransient('not an error')).toBe(false);
  });
});

describe('Function: retry', () => {
  it('answers the first success, retrying throttling and 5xx with the backoff in between', async () => {
    // Prepare
    const time = fakeTime();
    const { call, attempts } = failing(throttled(), unavailable());

    // Act
    const result = await retry(call, { maxAttempts: 5, sleep: time.sleep, random: () => 0 });

    // Assess
    expect(result).toBe('done');
    expect(attempts).toStrictEqual([1, 2, 3]);
    expect(time.waits).toStrictEqual([100, 200]);
  });

  it('makes at most maxAttempts attempts, then throws the last failure unchanged', async () => {
    // Prepare
    const time = fakeTime();
    const last = unavailable();
    const { call, attempts } = failing(throttled(), throttled(), last, unavailable());

    // Act
    const { error } = await settle(retry(call, { maxAttempts: 3, sleep: time.sleep }));

    // Assess
    expect(error).toBe(last);
    expect(attempts).toStrictEqual([1, 2, 3]);
    expect(time.waits).toHaveLength(2);
  });

  it('does not retry a failure retrying cannot fix, and throws it unchanged', async () => {
    // Prepare
    const time = fakeTime();
    const denied = new PermissionDeniedError('ListSecrets: AccessDeniedException');
    const { call, attempts } = failing(denied);

    // Act
    const { error } = await settle(retry(call, { maxAttempts: 5, sleep: time.sleep }));

    // Assess
    expect(error).toBe(denied);
    expect(attempts).toStrictEqual([1]);
    expect(time.waits).toStrictEqual([]);
  });

  it('retries what retryIf accepts, in place of the transient AWS failures', async () => {
    // Prepare
    const time = fakeTime();
    const busy = new Error('busy');
    const { call, attempts } = failing(busy, busy, throttled());

    // Act
    const { error } = await settle(retry(call, { maxAttempts: 5, retryIf: (e) => e === busy, sleep: time.sleep }));

    // Assess
    expect(error).toBeInstanceOf(ThrottlingError);
    expect(attempts).toStrictEqual([1, 2, 3]);
  });

  it('waits what the failure asks for in place of the backoff, and backs off when it asks nothing', async () => {
    // Prepare
    const time = fakeTime();
    const asking = Object.assign(unavailable(), { retryAfterMs: 3000 });
    const { call } = failing(asking, unavailable());

    // Act
    await retry(call, {
      maxAttempts: 5,
      waitAskedBy: (e) => (e as { retryAfterMs?: number }).retryAfterMs,
      sleep: time.sleep,
      random: () => 0,
    });

    // Assess
    expect(time.waits).toStrictEqual([3000, 200]);
  });

  it('makes no wait that would end at or past the deadline, and says the wait that did not fit', async () => {
    // Prepare: backoffs of 1000 then 2000 (random 1, base 1000); 2500 ms of budget fits the first only.
    const time = fakeTime();
    const endings: RetryEnding[] = [];
    const { call, attempts } = failing(unavailable(), unavailable(), unavailable());

    // Act
    const { error } = await settle(
      retry(call, {
        maxAttempts: 10,
        backoff: { baseMs: 1000 },
        deadline: time.now() + 2500,
        finalError: (e, ending) => {
          endings.push(ending);
          return e;
        },
        sleep: time.sleep,
        now: time.now,
        random: () => 1,
      }),
    );

    // Assess
    expect(error).toBeInstanceOf(TransientAwsError);
    expect(attempts).toStrictEqual([1, 2]);
    expect(time.waits).toStrictEqual([1000]);
    expect(endings).toStrictEqual([{ reason: 'budget', attempts: 2, delayMs: 2000 }]);
  });

  it('holds a wait a server asks for to the deadline too', async () => {
    // Prepare
    const time = fakeTime();
    const { call, attempts } = failing(unavailable());

    // Act
    const { error } = await settle(
      retry(call, { maxAttempts: 4, waitAskedBy: () => 120_000, deadline: time.now() + 20_000, sleep: time.sleep, now: time.now }),
    );

    // Assess
    expect(error).toBeInstanceOf(TransientAwsError);
    expect(attempts).toStrictEqual([1]);
    expect(time.waits).toStrictEqual([]);
  });

  it('throws what finalError makes of the failure, telling it why retrying ended', async () => {
    // Prepare
    const time = fakeTime();
    const wrap = (e: unknown, ending: RetryEnding) => new Error(`${ending.reason} after ${ending.attempts}`, { cause: e });

    // Act
    const outOfAttempts = await settle(
      retry(failing(throttled(), throttled()).call, { maxAttempts: 2, finalError: wrap, sleep: time.sleep }),
    );
    const final = await settle(retry(failing(new Error('bug')).call, { maxAttempts: 2, finalError: wrap, sleep: time.sleep }));

    // Assess
    expect(outOfAttempts.error).toMatchObject({ message: 'attempts after 2', cause: expect.any(ThrottlingError) });
    expect(final.error).toMatchObject({ message: 'final after 1' });
  });

  it('calls beforeWait before each wait with the failed attempt, its failure and the wait ahead', async () => {
    // Prepare
    const time = fakeTime();
    const first = throttled();
    const second = unavailable();
    const events: string[] = [];
    const seen: PendingRetry[] = [];
    const { call } = failing(first, second);

    // Act
    await retry(call, {
      maxAttempts: 5,
      beforeWait: (pending) => {
        seen.push(pending);
        events.push(`hook ${pending.attempt}`);
      },
      sleep: (ms) => {
        events.push(`sleep ${ms}`);
        return time.sleep(ms);
      },
      random: () => 0,
    });

    // Assess
    expect(seen).toStrictEqual([
      { attempt: 1, error: first, delayMs: 100 },
      { attempt: 2, error: second, delayMs: 200 },
    ]);
    expect(events).toStrictEqual(['hook 1', 'sleep 100', 'hook 2', 'sleep 200']);
  });

  it('does not call beforeWait when it will not wait: on success, a final failure, or the last attempt', async () => {
    // Prepare
    const time = fakeTime();
    let calls = 0;
    const beforeWait = () => {
      calls++;
    };

    // Act
    await retry(failing().call, { maxAttempts: 3, beforeWait, sleep: time.sleep });
    await settle(retry(failing(new Error('bug')).call, { maxAttempts: 3, beforeWait, sleep: time.sleep }));
    await settle(retry(failing(throttled()).call, { maxAttempts: 1, beforeWait, sleep: time.sleep }));

    // Assess
    expect(calls).toBe(0);
  });

  it('answers undefined, without waiting, when shouldStop says stop before a wait', async () => {
    // Prepare
    const time = fakeTime();
    const { call, attempts } = failing(throttled(), throttled());

    // Act
    const result = await retry(call, { maxAttempts: 5, shouldStop: () => true, sleep: time.sleep });

    // Assess
    expect(result).toBeUndefined();
    expect(attempts).toStrictEqual([1]);
    expect(time.waits).toStrictEqual([]);
  });

  it('answers undefined, making no further attempt, when shouldStop says stop after a wait', async () => {
    // Prepare
    const time = fakeTime();
    const { call, attempts } = failing(throttled(), throttled());
    const stop = () => time.waits.length > 0;

    // Act
    const result = await retry(call, { maxAttempts: 5, shouldStop: stop, sleep: time.sleep });

    // Assess
    expect(result).toBeUndefined();
    expect(attempts).toStrictEqual([1]);
    expect(time.waits).toHaveLength(1);
  });

  it('refuses fewer than one attempt', async () => {
    // Act
    const { error } = await settle(retry(failing().call, { maxAttempts: 0 }));

    // Assess
    expect(error).toBeInstanceOf(RangeError);
  });
});
