import { GovcError } from '../errors/govc-error.js';
import { canceledBy } from './abort.js';
import { idempotencyKeyHeader, newIdempotencyKey } from './idempotency-key.js';
import { withHeaders, type Middleware, type Next, type Reply, type UnaryCall } from './middleware.js';
import { createRetryPolicy, type RetryPolicyOptions, type RetryState } from './retry-policy.js';

/** Waits `ms`; may stop early when `signal` aborts (the retry middleware then fails the call at once anyway). */
export type Sleep = (ms: number, signal: AbortSignal | undefined) => Promise<void>;

/** Options of `retry`: the policy's (see `RetryPolicyOptions`) plus how the wiring behaves. */
export interface RetryOptions extends RetryPolicyOptions {
  /**
   * Attach an `idempotency-key` header (a random UUID) to every non-idempotent unary call that has
   * none, so that all its attempts share one key and the server runs it at most once. Default
   * `true`: without a key such a call is never retried. Turn it off only for a server without
   * idempotency memory.
   */
  readonly idempotencyKeys?: boolean;
  /** Waits between attempts. Default: a `setTimeout` that is cleared when the call's signal aborts; tests inject their own. */
  readonly sleep?: Sleep;
}

interface ResolvedRetryWiring {
  readonly idempotencyKeys: boolean;
  readonly sleep: Sleep;
}

const timerSleep: Sleep = function timerSleep(ms, signal) {
  return new Promise((resolve) => {
    const stop = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });
};

/** Sleeps `ms`, but rejects with `canceled` the moment `signal` aborts, leaving no listener behind. */
function backoff(ms: number, signal: AbortSignal | undefined, sleep: Sleep): Promise<void> {
  if (!signal) return sleep(ms, undefined).catch((error: unknown) => Promise.reject(GovcError.from(error)));
  if (signal.aborted) return Promise.reject(canceledBy(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(canceledBy(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    sleep(ms, signal).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(GovcError.from(error));
      },
    );
  });
}

/** Runs the attempts of one call until one succeeds or the policy says stop; the last error surfaces. */
async function attempt(next: Next, call: UnaryCall, state: RetryState, sleep: Sleep): Promise<Reply> {
  for (;;) {
    let error: GovcError;
    try {
      return await next(call);
    } catch (thrown) {
      error = GovcError.from(thrown);
    }
    const delay = state.next(error);
    if (delay === undefined) throw error;
    await backoff(delay, call.signal, sleep);
  }
}

/** Gives a non-idempotent call an idempotency key when it has none, so all its attempts share it. */
function keyed(call: UnaryCall): UnaryCall {
  if (call.method.idempotent || call.headers?.[idempotencyKeyHeader] !== undefined) return call;
  return withHeaders(call, { [idempotencyKeyHeader]: newIdempotencyKey() });
}

/**
 * Retries failed unary calls (streams pass through untouched) under a conservative policy: only
 * retryable codes, only idempotent methods or calls with an idempotency key, capped exponential
 * backoff with full jitter, server pushback honoured, never past the deadline, and a retry budget
 * shared by every call through this middleware. Aborting the call's signal during a backoff ends
 * it with `canceled` at once. Every error it surfaces is a `GovcError`: the last attempt's.
 */
export function retry(options: RetryOptions = {}): Middleware {
  const policy = createRetryPolicy(options);
  const wiring: ResolvedRetryWiring = {
    idempotencyKeys: options.idempotencyKeys ?? true,
    sleep: options.sleep ?? timerSleep,
  };
  return function retryMiddleware(next) {
    return function retryCall(call) {
      if (call.stream) return next(call);
      const prepared = wiring.idempotencyKeys ? keyed(call) : call;
      return attempt(next, prepared, policy.start(prepared), wiring.sleep);
    };
  };
}
