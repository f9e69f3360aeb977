import type { ErrorCode } from '../errors/code.js';
import type { GovcError } from '../errors/govc-error.js';
import { idempotencyKeyHeader } from './idempotency-key.js';
import type { UnaryCall } from './middleware.js';
import { optionValue } from '../options/option-value.js';

/** The retry budget: retries may be at most `ratio` of the calls plus `minRetries`, over a sliding window. */
export interface RetryBudgetOptions {
  /**
   * Retries allowed per call made in the window. Default `0.2` (Finagle's default): during an
   * outage retries add at most a fifth to the load instead of multiplying it by `maxAttempts`.
   */
  readonly ratio?: number;
  /**
   * Retries allowed in the window on top of the ratio. Default `3`: a client that makes few calls
   * can still retry a transient failure.
   */
  readonly minRetries?: number;
  /**
   * Length of the sliding window in ms. Default `10_000` (Finagle's TTL): long enough to smooth
   * bursts, short enough that the budget refills soon after an outage ends.
   */
  readonly windowMs?: number;
}

/** How a call is retried: which failures, how often and how long to wait between attempts. */
export interface RetryPolicyOptions {
  /**
   * Attempts per call, the first one included. Default `3`: rides out a blip (a restart, a lost
   * connection) without turning a real outage into triple load.
   */
  readonly maxAttempts?: number;
  /**
   * The backoff before the first retry is drawn from `[0, baseDelayMs)` and the range doubles
   * with each retry. Default `100`: long enough for a reconnect, short enough for interactive calls.
   */
  readonly baseDelayMs?: number;
  /**
   * Cap on the backoff range. Default `5_000`: more retries never make a client wait for more
   * than a few seconds between attempts.
   */
  readonly maxDelayMs?: number;
  /**
   * Codes worth another attempt. Default `['unavailable']`: the only code that says the request was
   * not processed and a later attempt may succeed; anything else would repeat a real failure.
   */
  readonly retryableCodes?: readonly ErrorCode[];
  /** The retry budget shared by every call of one policy (see `RetryBudgetOptions`). */
  readonly budget?: RetryBudgetOptions;
  /** Source of randomness for the jitter, in `[0, 1)`. Default `Math.random`; tests inject their own. */
  readonly random?: () => number;
  /** The clock, ms since the epoch, that deadlines and the budget's window use. Default `Date.now`, the clock of `call.deadline`. */
  readonly now?: () => number;
}

interface ResolvedRetryPolicyOptions {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly retryableCodes: ReadonlySet<ErrorCode>;
  readonly budget: RetryBudget;
  readonly random: () => number;
  readonly now: () => number;
}

/** One call's retry state: counts its attempts and decides on each failure. */
export interface RetryState {
  /**
   * After an attempt failed with `error`: the delay in ms before the next attempt, or `undefined`
   * when the call must stop and surface `error`. A positive answer spends one retry of the budget.
   */
  next(error: GovcError): number | undefined;
}

/** The retry state machine of one `retry` middleware: backoff, attempt limit, deadline and budget. */
export interface RetryPolicy {
  /** Starts the retry state of `call` and counts the call into the budget. */
  start(call: UnaryCall): RetryState;
}

/** Finagle-style retry budget over a sliding window. */
export interface RetryBudget {
  /** Counts one call. */
  deposit(): void;
  /** Spends one retry if the budget allows it; `false` when the retry must not happen. */
  tryWithdraw(): boolean;
}

/** Slices per window: the window slides in steps of a tenth, with fixed memory. */
const slices = 10;

/** Counts events over the last `windowMs`, in `slices` fixed buckets. */
function createWindowedCounter(windowMs: number, now: () => number): { add(): void; sum(): number } {
  const sliceMs = windowMs / slices;
  const counts = new Array<number>(slices).fill(0);
  const stamps = new Array<number>(slices).fill(-Infinity);
  return {
    add() {
      const slice = Math.floor(now() / sliceMs);
      const i = ((slice % slices) + slices) % slices;
      if (stamps[i] !== slice) {
        stamps[i] = slice;
        counts[i] = 0;
      }
      counts[i]!++;
    },
    sum() {
      const oldest = Math.floor(now() / sliceMs) - slices;
      let total = 0;
      for (let i = 0; i < slices; i++) if (stamps[i]! > oldest) total += counts[i]!;
      return total;
    },
  };
}

/** Creates a retry budget: retries in the window stay at most `ratio × calls + minRetries`. */
export function createRetryBudget(options: RetryBudgetOptions = {}, now: () => number = Date.now): RetryBudget {
  const ratio = optionValue('budget.ratio', options.ratio, 0.2, { min: 0 });
  const minRetries = optionValue('budget.minRetries', options.minRetries, 3, { min: 0, integer: true });
  const windowMs = optionValue('budget.windowMs', options.windowMs, 10_000, { above: 0 });
  const calls = createWindowedCounter(windowMs, now);
  const retries = createWindowedCounter(windowMs, now);
  return {
    deposit() {
      calls.add();
    },
    tryWithdraw() {
      if (retries.sum() + 1 > ratio * calls.sum() + minRetries) return false;
      retries.add();
      return true;
    },
  };
}

/** The upper end of the full-jitter range before retry number `retry` (0 for the first retry). */
export function backoffCeiling(retry: number, baseDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, baseDelayMs * 2 ** retry);
}

function resolve(options: RetryPolicyOptions): ResolvedRetryPolicyOptions {
  const now = options.now ?? Date.now;
  const maxAttempts = optionValue('maxAttempts', options.maxAttempts, 3, { min: 1, integer: true });
  return {
    maxAttempts,
    baseDelayMs: optionValue('baseDelayMs', options.baseDelayMs, 100, { min: 0 }),
    maxDelayMs: optionValue('maxDelayMs', options.maxDelayMs, 5_000, { min: 0 }),
    retryableCodes: new Set(options.retryableCodes ?? ['unavailable']),
    budget: createRetryBudget(options.budget, now),
    random: options.random ?? Math.random,
    now,
  };
}

/**
 * Creates the retry state machine. A call may be retried when its method is idempotent or it
 * carries an `idempotency-key` header, its error's code is retryable, attempts remain, the next
 * attempt would start before the deadline and the budget allows it. The delay is full jitter,
 * `random(0, min(maxDelayMs, baseDelayMs × 2^retry))`, unless the server pushed back with
 * `retryAfterMs`, which replaces it.
 */
export function createRetryPolicy(options: RetryPolicyOptions = {}): RetryPolicy {
  const { maxAttempts, baseDelayMs, maxDelayMs, retryableCodes, budget, random, now } = resolve(options);
  return {
    start(call) {
      budget.deposit();
      const repeatable = call.method.idempotent || call.headers?.[idempotencyKeyHeader] !== undefined;
      const deadline = call.deadline;
      let attempts = 1;
      return {
        next(error) {
          if (!repeatable || attempts >= maxAttempts || !retryableCodes.has(error.code)) return undefined;
          const pushback = error.retryAfterMs;
          const delay =
            pushback !== undefined && pushback >= 0 ? pushback : random() * backoffCeiling(attempts - 1, baseDelayMs, maxDelayMs);
          // A retry that would start at or past the deadline has no time left to run.
          if (deadline !== undefined && now() + delay >= deadline) return undefined;
          if (!budget.tryWithdraw()) return undefined;
          attempts++;
          return delay;
        },
      };
    },
  };
}
