import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GovcError } from '../../src/errors/govc-error.js';
import type { Call, Reply } from '../../src/middleware/middleware.js';
import { retry, type RetryOptions } from '../../src/middleware/retry.js';
import { govcMethods } from '../../src/schema/methods.js';
import { streamCall, unaryCall } from './fixtures.js';

const { GetBlob, Commit, UpdateRef, WatchRefs } = govcMethods;
const ok: Reply = { stream: false, response: { done: true } };
const unavailable = (n: number): GovcError => new GovcError('unavailable', `attempt ${n}`);

/** A fake end of the chain that answers the n-th attempt with `answer(n)` (1-based) and records every call. */
function scripted(answer: (attempt: number) => Reply | GovcError | Error) {
  const calls: Call[] = [];
  const next = (call: Call): Promise<Reply> => {
    calls.push(call);
    const outcome = answer(calls.length);
    return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
  };
  return { calls, next };
}

/** A test clock: `sleep` records each delay and moves `now` forward by it. */
function clock(start = 1_000_000) {
  const state = { now: start, delays: [] as number[] };
  return {
    state,
    now: (): number => state.now,
    sleep: (ms: number): Promise<void> => {
      state.delays.push(ms);
      state.now += ms;
      return Promise.resolve();
    },
  };
}

/** Options that make retries deterministic and leave the budget out of the way unless a test sets it. */
function testOptions(overrides: RetryOptions = {}) {
  const time = clock();
  const options: RetryOptions = { random: () => 0.5, now: time.now, sleep: time.sleep, budget: { minRetries: 1_000 }, ...overrides };
  return { time, options };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('retry', () => {
  it('returns the first success without retrying', async () => {
    const { calls, next } = scripted(() => ok);
    await expect(retry(testOptions().options)(next)(unaryCall(GetBlob, { repo: 'r', hash: 'h' }))).resolves.toBe(ok);
    expect(calls).toHaveLength(1);
  });

  it('retries unavailable until success', async () => {
    const { options, time } = testOptions();
    const { calls, next } = scripted((n) => (n < 3 ? unavailable(n) : ok));
    await expect(retry(options)(next)(unaryCall(GetBlob, { repo: 'r', hash: 'h' }))).resolves.toBe(ok);
    expect(calls).toHaveLength(3);
    expect(time.state.delays).toEqual([50, 100]);
  });

  it('stops after maxAttempts (default 3) and surfaces the last error', async () => {
    const { options } = testOptions();
    const { calls, next } = scripted((n) => unavailable(n));
    await expect(retry(options)(next)(unaryCall(GetBlob, { repo: 'r', hash: 'h' }))).rejects.toMatchObject({ rawMessage: 'attempt 3' });
    expect(calls).toHaveLength(3);

    const five = scripted((n) => unavailable(n));
    await expect(retry({ ...options, maxAttempts: 5 })(five.next)(unaryCall(GetBlob, {}))).rejects.toMatchObject({
      rawMessage: 'attempt 5',
    });
    expect(five.calls).toHaveLength(5);

    const one = scripted((n) => unavailable(n));
    await expect(retry({ ...options, maxAttempts: 1 })(one.next)(unaryCall(GetBlob, {}))).rejects.toMatchObject({
      rawMessage: 'attempt 1',
    });
    expect(one.calls).toHaveLength(1);
  });

  it('does not retry a code that is not retryable', async () => {
    const { options, time } = testOptions();
    const { calls, next } = scripted(() => new GovcError('not_found', 'no such blob'));
    await expect(retry(options)(next)(unaryCall(GetBlob, {}))).rejects.toMatchObject({ code: 'not_found' });
    expect(calls).toHaveLength(1);
    expect(time.state.delays).toEqual([]);
  });

  it('retries exactly the configured codes', async () => {
    const { options } = testOptions({ retryableCodes: ['resource_exhausted'] });
    const exhausted = scripted((n) => (n === 1 ? new GovcError('resource_exhausted', 'busy') : ok));
    await expect(retry(options)(exhausted.next)(unaryCall(GetBlob, {}))).resolves.toBe(ok);
    expect(exhausted.calls).toHaveLength(2);
    const down = scripted((n) => unavailable(n));
    await expect(retry(options)(down.next)(unaryCall(GetBlob, {}))).rejects.toMatchObject({ code: 'unavailable' });
    expect(down.calls).toHaveLength(1);
  });

  it('surfaces a non-GovcError failure as a GovcError', async () => {
    const { options } = testOptions();
    const { next } = scripted(() => new TypeError('boom'));
    const error = await retry(options)(next)(unaryCall(GetBlob, {})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GovcError);
    expect(error).toMatchObject({ code: 'unknown' });
  });

  it('passes streams through untouched', async () => {
    const { options } = testOptions();
    const reply: Reply = { stream: true, response: [] };
    const call = streamCall(WatchRefs, { repo: 'r' });
    const { calls, next } = scripted(() => reply);
    await expect(retry(options)(next)(call)).resolves.toBe(reply);
    expect(calls[0]).toBe(call);

    const failing = scripted(() => unavailable(1));
    const commitStream = streamCall(Commit, {});
    await expect(retry(options)(failing.next)(commitStream)).rejects.toMatchObject({ code: 'unavailable' });
    expect(failing.calls).toEqual([commitStream]);
  });

  describe('idempotency', () => {
    it('attaches one idempotency key to a non-idempotent call and keeps it on every attempt', async () => {
      const { options } = testOptions();
      const { calls, next } = scripted((n) => (n < 3 ? unavailable(n) : ok));
      const headers = { authorization: 'Bearer t' };
      await expect(retry(options)(next)(unaryCall(Commit, { repo: 'r' }, { headers }))).resolves.toBe(ok);
      expect(calls).toHaveLength(3);
      const key = calls[0]!.headers?.['idempotency-key'];
      expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      for (const call of calls) expect(call.headers).toEqual({ authorization: 'Bearer t', 'idempotency-key': key });
      expect(headers).toEqual({ authorization: 'Bearer t' }); // the caller's object is untouched
    });

    it('gives each call its own key', async () => {
      const { options } = testOptions();
      const { calls, next } = scripted(() => ok);
      const chain = retry(options)(next);
      await chain(unaryCall(UpdateRef, {}));
      await chain(unaryCall(UpdateRef, {}));
      expect(calls[0]!.headers?.['idempotency-key']).not.toBe(calls[1]!.headers?.['idempotency-key']);
    });

    it('keeps the key a call already has', async () => {
      const { options } = testOptions();
      const { calls, next } = scripted((n) => (n < 2 ? unavailable(n) : ok));
      const call = unaryCall(Commit, {}, { headers: { 'idempotency-key': 'mine' } });
      await retry(options)(next)(call);
      expect(calls.map((c) => c.headers)).toEqual([{ 'idempotency-key': 'mine' }, { 'idempotency-key': 'mine' }]);
      expect(calls[0]).toBe(call);
    });

    it('retries an idempotent method without attaching a key', async () => {
      const { options } = testOptions();
      const { calls, next } = scripted((n) => (n < 2 ? unavailable(n) : ok));
      const call = unaryCall(GetBlob, { repo: 'r', hash: 'h' });
      await expect(retry(options)(next)(call)).resolves.toBe(ok);
      expect(calls).toEqual([call, call]);
      expect(calls[0]!.headers).toBeUndefined();
    });

    it('with idempotencyKeys off, never retries a non-idempotent call without a key', async () => {
      const { options } = testOptions({ idempotencyKeys: false });
      const { calls, next } = scripted((n) => unavailable(n));
      await expect(retry(options)(next)(unaryCall(Commit, {}))).rejects.toMatchObject({ rawMessage: 'attempt 1' });
      expect(calls).toHaveLength(1);
      expect(calls[0]!.headers).toBeUndefined();

      const keyed = scripted((n) => (n < 2 ? unavailable(n) : ok));
      await expect(retry(options)(keyed.next)(unaryCall(Commit, {}, { headers: { 'idempotency-key': 'k' } }))).resolves.toBe(ok);
      expect(keyed.calls).toHaveLength(2);
    });
  });

  describe('backoff', () => {
    it('draws every delay with full jitter within [0, min(cap, base × 2^n)]', async () => {
      // A seeded generator: deterministic, yet spread over [0, 1).
      let seed = 42;
      const random = (): number => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const base = 100;
      const cap = 1_000;
      const { options, time } = testOptions({ random, baseDelayMs: base, maxDelayMs: cap, maxAttempts: 8 });
      const chain = retry(options);
      const perCall: number[][] = [];
      for (let i = 0; i < 50; i++) {
        const before = time.state.delays.length;
        const { next } = scripted((n) => unavailable(n));
        await expect(chain(next)(unaryCall(GetBlob, {}))).rejects.toMatchObject({ code: 'unavailable' });
        perCall.push(time.state.delays.slice(before));
      }
      for (const delays of perCall) {
        expect(delays).toHaveLength(7);
        delays.forEach((delay, n) => {
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(Math.min(cap, base * 2 ** n));
        });
      }
      // Jitter really varies the delays, and late retries reach beyond the early ceilings.
      expect(new Set(perCall.map((d) => d[0])).size).toBeGreaterThan(40);
      expect(Math.max(...perCall.map((d) => d[6]!))).toBeGreaterThan(base * 4);
    });

    it('hits the ends of the range with random at its ends', async () => {
      const low = testOptions({ random: () => 0, maxAttempts: 4 });
      await retry(low.options)(scripted((n) => unavailable(n)).next)(unaryCall(GetBlob, {})).catch(() => undefined);
      expect(low.time.state.delays).toEqual([0, 0, 0]);

      const high = testOptions({ random: () => 0.999_999, baseDelayMs: 100, maxDelayMs: 300, maxAttempts: 5 });
      await retry(high.options)(scripted((n) => unavailable(n)).next)(unaryCall(GetBlob, {})).catch(() => undefined);
      expect(high.time.state.delays.map(Math.round)).toEqual([100, 200, 300, 300]);
    });
  });

  describe('budget', () => {
    it('stops retrying when retries exceed 20% of calls plus 3 (the defaults)', async () => {
      const time = clock();
      const chain = retry({ random: () => 0, now: time.now, sleep: time.sleep, maxAttempts: 10 });
      const first = scripted((n) => unavailable(n));
      await expect(chain(first.next)(unaryCall(GetBlob, {}))).rejects.toMatchObject({ rawMessage: 'attempt 4' });
      expect(first.calls).toHaveLength(4); // 0.2 × 1 call + 3 = 3.2 retries allowed: 3

      const second = scripted((n) => unavailable(n));
      await expect(chain(second.next)(unaryCall(GetBlob, {}))).rejects.toMatchObject({ rawMessage: 'attempt 1' });
      expect(second.calls).toHaveLength(1); // 0.2 × 2 + 3 = 3.4: no fourth retry

      // Successful calls earn budget: two more and the next failing call make 5, and 0.2 × 5 + 3 = 4 allows one more retry.
      const good = scripted(() => ok);
      for (let i = 0; i < 2; i++) await chain(good.next)(unaryCall(GetBlob, {}));
      const third = scripted((n) => unavailable(n));
      await expect(chain(third.next)(unaryCall(GetBlob, {}))).rejects.toMatchObject({ rawMessage: 'attempt 2' });
    });

    it('refills once the window has slid past the spent retries', async () => {
      const time = clock();
      const chain = retry({ random: () => 0, now: time.now, sleep: time.sleep, budget: { ratio: 0, minRetries: 1, windowMs: 1_000 } });
      const attempts = async (): Promise<number> => {
        const { calls, next } = scripted((n) => unavailable(n));
        await chain(next)(unaryCall(GetBlob, {})).catch(() => undefined);
        return calls.length;
      };
      expect(await attempts()).toBe(2);
      expect(await attempts()).toBe(1);
      time.state.now += 500;
      expect(await attempts()).toBe(1);
      time.state.now += 600;
      expect(await attempts()).toBe(2);
    });

    it('is shared by the calls of one middleware, not across middleware instances', async () => {
      const time = clock();
      const options: RetryOptions = { random: () => 0, now: time.now, sleep: time.sleep, budget: { ratio: 0, minRetries: 1 } };
      const one = retry(options);
      const other = retry(options);
      const run = async (middleware: ReturnType<typeof retry>): Promise<number> => {
        const { calls, next } = scripted((n) => unavailable(n));
        await middleware(next)(unaryCall(GetBlob, {})).catch(() => undefined);
        return calls.length;
      };
      expect(await run(one)).toBe(2);
      expect(await run(one)).toBe(1);
      expect(await run(other)).toBe(2);
    });
  });

  describe('deadline', () => {
    it('never sleeps past the deadline: it stops and surfaces the last error', async () => {
      const { options, time } = testOptions({ random: () => 0.999, maxAttempts: 5 });
      const { calls, next } = scripted((n) => unavailable(n));
      // First delay ≈ 99.9 ends before the deadline; the second (≈ 199.8) would end after it.
      const call = unaryCall(GetBlob, {}, { deadline: time.state.now + 150 });
      await expect(retry(options)(next)(call)).rejects.toMatchObject({ rawMessage: 'attempt 2' });
      expect(calls).toHaveLength(2);
      expect(time.state.delays).toHaveLength(1);
      expect(time.state.now).toBeLessThan(call.deadline!);
    });

    it('does not retry when the deadline has already passed', async () => {
      const { options, time } = testOptions({ random: () => 0 });
      const { calls, next } = scripted((n) => unavailable(n));
      await expect(retry(options)(next)(unaryCall(GetBlob, {}, { deadline: time.state.now }))).rejects.toMatchObject({
        rawMessage: 'attempt 1',
      });
      expect(calls).toHaveLength(1);
    });
  });

  describe('server pushback', () => {
    it('waits retryAfterMs instead of the computed delay', async () => {
      const { options, time } = testOptions({ maxDelayMs: 100 });
      const { calls, next } = scripted((n) => (n === 1 ? new GovcError('unavailable', 'slow down', { retryAfterMs: 1_234 }) : ok));
      await expect(retry(options)(next)(unaryCall(GetBlob, {}))).resolves.toBe(ok);
      expect(calls).toHaveLength(2);
      expect(time.state.delays).toEqual([1_234]);
    });

    it('still never waits past the deadline', async () => {
      const { options, time } = testOptions();
      const { calls, next } = scripted(() => new GovcError('unavailable', 'come back later', { retryAfterMs: 5_000 }));
      const call = unaryCall(GetBlob, {}, { deadline: time.state.now + 1_000 });
      await expect(retry(options)(next)(call)).rejects.toMatchObject({ rawMessage: 'come back later' });
      expect(calls).toHaveLength(1);
      expect(time.state.delays).toEqual([]);
    });

    it('does not make a non-retryable code retryable', async () => {
      const { options } = testOptions();
      const { calls, next } = scripted(() => new GovcError('permission_denied', 'no', { retryAfterMs: 10 }));
      await expect(retry(options)(next)(unaryCall(GetBlob, {}))).rejects.toMatchObject({ code: 'permission_denied' });
      expect(calls).toHaveLength(1);
    });
  });

  describe('abort', () => {
    it('during a backoff sleep ends the call with canceled at once, leaving no timer or listener', async () => {
      vi.useFakeTimers();
      const controller = new AbortController();
      const add = vi.spyOn(controller.signal, 'addEventListener');
      const { calls, next } = scripted((n) => unavailable(n));
      // Default sleep: a real (fake-clock) timer of 5 s.
      const reply = retry({ random: () => 0.5, baseDelayMs: 10_000, maxDelayMs: 10_000 })(next)(
        unaryCall(GetBlob, {}, { signal: controller.signal }),
      );
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toHaveLength(1);
      expect(vi.getTimerCount()).toBe(1);
      controller.abort('user left');
      const error = await reply.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GovcError);
      expect(error).toMatchObject({ code: 'canceled', cause: 'user left' });
      expect(vi.getTimerCount()).toBe(0);
      expect(calls).toHaveLength(1);
      expect(add).toHaveBeenCalled();
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });

    it('cleans up its listener and timer when the sleep ends normally', async () => {
      vi.useFakeTimers();
      const controller = new AbortController();
      const add = vi.spyOn(controller.signal, 'addEventListener');
      const { calls, next } = scripted((n) => (n === 1 ? unavailable(n) : ok));
      const reply = retry({ random: () => 0.5, baseDelayMs: 1_000 })(next)(unaryCall(GetBlob, {}, { signal: controller.signal }));
      await vi.advanceTimersByTimeAsync(499);
      expect(calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      await expect(reply).resolves.toBe(ok);
      expect(calls).toHaveLength(2);
      expect(add).toHaveBeenCalled();
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('with an injected sleep that ignores the signal, still ends the call at once', async () => {
      const controller = new AbortController();
      const { calls, next } = scripted((n) => unavailable(n));
      const sleep = vi.fn(() => new Promise<void>(() => undefined)); // never wakes up
      const reply = retry({ sleep, random: () => 0.5 })(next)(unaryCall(GetBlob, {}, { signal: controller.signal }));
      await vi.waitFor(() => expect(sleep).toHaveBeenCalledTimes(1));
      controller.abort();
      await expect(reply).rejects.toMatchObject({ code: 'canceled' });
      expect(calls).toHaveLength(1);
    });

    it('an abort that comes before the backoff starts ends the call canceled without sleeping', async () => {
      const controller = new AbortController();
      const sleep = vi.fn(() => Promise.resolve());
      const next = (): Promise<Reply> => {
        controller.abort();
        return Promise.reject(unavailable(1));
      };
      await expect(retry({ sleep })(next)(unaryCall(GetBlob, {}, { signal: controller.signal }))).rejects.toMatchObject({
        code: 'canceled',
      });
      expect(sleep).not.toHaveBeenCalled();
    });

    it('a failing injected sleep fails the call with a GovcError', async () => {
      const { next } = scripted((n) => unavailable(n));
      const sleep = (): Promise<void> => Promise.reject(new Error('no timers here'));
      for (const signal of [new AbortController().signal, undefined]) {
        await expect(retry({ sleep })(next)(unaryCall(GetBlob, {}, signal ? { signal } : {}))).rejects.toMatchObject({
          name: 'GovcError',
          code: 'unknown',
        });
      }
    });
  });

  it('rejects bad options when created', () => {
    expect(() => retry({ maxAttempts: 0 })).toThrow(RangeError);
    expect(() => retry({ maxAttempts: 1.5 })).toThrow(RangeError);
    expect(() => retry({ baseDelayMs: -1 })).toThrow(RangeError);
    expect(() => retry({ budget: { windowMs: 0 } })).toThrow(RangeError);
    expect(() => retry({ budget: { ratio: Number.NaN } })).toThrow(RangeError);
  });
});
