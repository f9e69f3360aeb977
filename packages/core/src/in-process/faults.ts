import type { ErrorCode } from '../errors/code.js';
import { GovcError } from '../errors/govc-error.js';
import type { AnyHandler, HandlerContext } from '../handler.js';

interface FailRule {
  remaining: number;
  readonly code: ErrorCode;
  readonly method: string | undefined;
  readonly retryAfterMs: number | undefined;
}

interface LoseRule {
  remaining: number;
  readonly method: string | undefined;
}

interface DelayRule {
  remaining: number;
  readonly method: string | undefined;
  readonly ms: number;
}

/** What a fault plan has done so far, for assertions. */
export interface FaultStats {
  /** Calls that failed before the handler ran. */
  failed: number;
  /** Calls whose handler ran but whose response was then lost. */
  lost: number;
  /** Delayed calls that were abandoned before their handler ran. */
  abandoned: number;
}

/**
 * Scripted failures between a client and a handler, so that retry and exactly-once tests can
 * fail when they should. The same plan works for any transport: it wraps the handler.
 */
export interface FaultPlan {
  /** The next `count` calls (of `method`, if given) fail with `code` before the handler runs. */
  failNext(count: number, options?: { code?: ErrorCode; method?: string; retryAfterMs?: number }): void;
  /**
   * The next `count` unary calls (of `method`, if given) run the handler to completion, then the
   * caller gets `unavailable` as if the connection dropped before the response arrived.
   */
  loseNextResponses(count: number, options?: { method?: string }): void;
  /**
   * The next `count` unary calls (of `method`, if given) wait `ms` before the handler runs; if the
   * call's signal aborts meanwhile (cancel, deadline) the handler never runs. Unary methods only.
   */
  delayNext(count: number, ms: number, options?: { method?: string }): void;
  /** Drops every pending rule. */
  clear(): void;
  readonly stats: FaultStats;
  /** @internal Consulted by `withFaults` for each call. */
  take(method: string): { fail: GovcError | undefined; lose: boolean; delayMs: number };
}

function takeRule<R extends { remaining: number; method: string | undefined }>(rules: R[], method: string): R | undefined {
  const index = rules.findIndex((rule) => rule.method === undefined || rule.method === method);
  if (index < 0) return undefined;
  const rule = rules[index]!;
  if (--rule.remaining <= 0) rules.splice(index, 1);
  return rule;
}

/** Creates an empty fault plan. */
export function createFaultPlan(): FaultPlan {
  const fails: FailRule[] = [];
  const loses: LoseRule[] = [];
  const delays: DelayRule[] = [];
  const stats: FaultStats = { failed: 0, lost: 0, abandoned: 0 };
  return {
    stats,
    failNext(count, options = {}) {
      fails.push({ remaining: count, code: options.code ?? 'unavailable', method: options.method, retryAfterMs: options.retryAfterMs });
    },
    loseNextResponses(count, options = {}) {
      loses.push({ remaining: count, method: options.method });
    },
    delayNext(count, ms, options = {}) {
      delays.push({ remaining: count, method: options.method, ms });
    },
    clear() {
      fails.length = 0;
      loses.length = 0;
      delays.length = 0;
    },
    take(method) {
      if (fails.length === 0 && loses.length === 0 && delays.length === 0) return { fail: undefined, lose: false, delayMs: 0 };
      const failRule = takeRule(fails, method);
      if (failRule) {
        stats.failed++;
        const options = failRule.retryAfterMs === undefined ? {} : { retryAfterMs: failRule.retryAfterMs };
        return { fail: new GovcError(failRule.code, 'injected fault', options), lose: false, delayMs: 0 };
      }
      return { fail: undefined, lose: takeRule(loses, method) !== undefined, delayMs: takeRule(delays, method)?.ms ?? 0 };
    },
  };
}

type HandlerFn = (request: unknown, context: HandlerContext) => unknown;

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(GovcError.from(signal!.reason, 'canceled'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Wraps every method of `handler` so that `plan` decides which calls fail or lose their response. */
export function withFaults<H extends AnyHandler>(handler: H, plan: FaultPlan): H {
  const wrapped: Record<string, HandlerFn> = {};
  for (const [name, fn] of Object.entries(handler)) {
    if (!fn) continue;
    const method = fn as HandlerFn;
    wrapped[name] = function faultyMethod(request, context) {
      const { fail, lose, delayMs } = plan.take(name);
      if (fail) throw fail;
      const result =
        delayMs > 0
          ? sleep(delayMs, context.signal).then(
              () => method.call(handler, request, context),
              (error: unknown) => {
                plan.stats.abandoned++;
                throw error;
              },
            )
          : method.call(handler, request, context);
      if (lose && result instanceof Promise) {
        return result.then(
          () => {
            plan.stats.lost++;
            throw new GovcError('unavailable', 'injected fault: response lost');
          },
          () => {
            plan.stats.lost++;
            throw new GovcError('unavailable', 'injected fault: response lost');
          },
        );
      }
      return result;
    };
  }
  return wrapped as unknown as H;
}
