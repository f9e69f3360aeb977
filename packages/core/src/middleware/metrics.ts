import { GovcError } from '../errors/govc-error.js';
import type { ErrorCode } from '../errors/code.js';
import type { AnyMethod } from '../schema/methods.js';
import type { Call, Middleware, Reply } from './middleware.js';

/** What `onEnd` learns about a finished call. */
export interface CallEndInfo<C = unknown> {
  readonly method: AnyMethod;
  readonly stream: boolean;
  /** `ok`, or the code of the error the call ended with. */
  readonly code: ErrorCode | 'ok';
  /** From the call's start to its end: the promise settling, or for a response stream its last message, error or early return. */
  readonly durationMs: number;
  /** What `onStart` returned for this call (`undefined` without `onStart`, or when it threw). */
  readonly context: C | undefined;
}

/** A metrics or tracing hook. Its exceptions never break a call: they are dropped. */
export interface MetricsHook<C = unknown> {
  /** Called as the call starts; may return a per-call context (a span, labels) handed to `onEnd`. */
  onStart?(call: Call): C;
  /** Called once as the call ends. */
  onEnd(info: CallEndInfo<C>): void;
}

/** Options of `metrics`. */
export interface MetricsOptions {
  /** The clock for `durationMs`. Default `performance.now`: monotonic, so a wall-clock jump never makes a negative duration. */
  readonly now?: () => number;
}

/** Runs a hook function, dropping whatever it throws or rejects with. */
function guarded<T>(fn: () => T): T | undefined {
  try {
    const result = fn();
    if (result instanceof Promise) result.catch(() => undefined);
    return result;
  } catch {
    return undefined;
  }
}

/** Ends the measurement when the response stream finishes, throws or is returned early (`canceled`). */
async function* measured(responses: AsyncIterable<unknown>, end: (code: ErrorCode | 'ok') => void): AsyncGenerator<unknown> {
  let code: ErrorCode | 'ok' = 'canceled';
  try {
    yield* responses;
    code = 'ok';
  } catch (error) {
    code = GovcError.from(error).code;
    throw error;
  } finally {
    end(code);
  }
}

/**
 * Reports every call to `hook`: `onStart` as it starts, `onEnd` once as it ends — for unary and
 * client-stream calls when the promise settles, for server-stream and bidi calls when the
 * response iterable finishes, throws or is returned early (reported as `canceled`). A response
 * stream never iterated never ends. The hook can never break a call.
 */
export function metrics<C = unknown>(hook: MetricsHook<C>, options: MetricsOptions = {}): Middleware {
  const now = options.now ?? (() => performance.now());
  return function metricsMiddleware(next) {
    return function metricsCall(call) {
      const start = now();
      const context = hook.onStart ? guarded(() => hook.onStart!(call)) : undefined;
      const end = (code: ErrorCode | 'ok'): void => {
        const info: CallEndInfo<C> = { method: call.method, stream: call.stream, code, durationMs: now() - start, context };
        guarded(() => hook.onEnd(info));
      };
      let reply: Promise<Reply>;
      try {
        reply = next(call);
      } catch (error) {
        reply = Promise.reject(error);
      }
      const responseStream = call.method.kind === 'server_stream' || call.method.kind === 'bidi';
      return reply.then(
        (result) => {
          if (!responseStream) end('ok');
          return responseStream ? { ...result, response: measured(result.response as AsyncIterable<unknown>, end) } : result;
        },
        (error: unknown) => {
          end(GovcError.from(error).code);
          throw error;
        },
      );
    };
  };
}
