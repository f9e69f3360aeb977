import { GovcError } from '../errors/govc-error.js';
import { noHeaders, type AnyHandler, type HandlerContext, type ServiceHandler } from '../handler.js';
import { CallScope } from '../protocol/call-scope.js';
import { errorFromHandler } from '../protocol/error-from-handler.js';
import { handlerMethod } from '../protocol/handler-method.js';
import type { AnyMethod } from '../schema/methods.js';
import type { CallOptions, Transport } from '../transport.js';
import { withFaults, type FaultPlan } from './faults.js';

export interface InProcessTransportOptions {
  /** Scripted failures (see `createFaultPlan`). Default: none, so calls go straight to the handler. */
  readonly faults?: FaultPlan;
  /** The caller identity handlers see, as an authenticating server would set it. Default `""`. */
  readonly caller?: string;
}

type HandlerFn = (request: unknown, context: HandlerContext) => unknown;

function rejectFromHandler(error: unknown): Promise<never> {
  return Promise.reject(errorFromHandler(error));
}

/** Settles like `promise`, or rejects as soon as the scope's call ends early. */
function raced<T>(promise: Promise<T>, scope: CallScope | undefined): Promise<T> {
  return scope ? scope.race(promise) : promise;
}

/** Reads `requests` for the handler, stopping with the scope's error when the call ends early. */
async function* guarded(requests: AsyncIterable<unknown>, scope: CallScope): AsyncGenerator<unknown> {
  const iterator = requests[Symbol.asyncIterator]();
  try {
    for (;;) {
      const result = await raced(iterator.next(), scope);
      if (result.done) return;
      yield result.value;
    }
  } finally {
    void iterator.return?.();
  }
}

/**
 * A transport that calls a `ServiceHandler` in the same process: no sockets, no encoding. It is
 * the conformance kit's reference, the fastest path in tests and the bench's "direct" row.
 * Streams pull from the handler on demand, so nothing is read ahead of the consumer.
 */
export function createInProcessTransport(handler: ServiceHandler | AnyHandler, options: InProcessTransportOptions = {}): Transport {
  const methods = (options.faults ? withFaults(handler as AnyHandler, options.faults) : handler) as AnyHandler;
  const caller = options.caller ?? '';
  let closed = false;
  let closing: Promise<void> | undefined;
  /** Calls running, streams until their generator finishes: close() waits for them. */
  let inFlight = 0;
  let drained: (() => void) | undefined;

  function lookup(method: AnyMethod): HandlerFn {
    if (closed) throw new GovcError('unavailable', 'transport is closed');
    return handlerMethod(methods, method.name);
  }

  function context(options: CallOptions | undefined, scope: CallScope | undefined): HandlerContext {
    const headers = options?.headers ?? noHeaders;
    const deadline = options?.deadline;
    if (!scope) return { signal: undefined, deadline, headers, caller };
    // The scope makes its AbortController only if the handler reads the signal.
    return {
      get signal() {
        return scope.signal;
      },
      deadline,
      headers,
      caller,
    };
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight++;
    promise.then(settled, settled);
    return promise;
  }

  function settled(): void {
    if (--inFlight === 0) drained?.();
  }

  /** Runs a call that ends in one response (unary and client stream). */
  function single(method: AnyMethod, input: (scope: CallScope | undefined) => unknown, options: CallOptions | undefined): Promise<unknown> {
    let scope: CallScope | undefined;
    try {
      const fn = lookup(method);
      if (options?.signal || options?.deadline !== undefined) {
        scope = new CallScope(options.signal, options.deadline);
        if (scope.aborted) {
          scope.dispose();
          return scope.race(Promise.resolve());
        }
      }
      const result = Promise.resolve(fn(input(scope), context(options, scope)));
      if (!scope) return track(result.catch(rejectFromHandler));
      const open = scope;
      return track(
        open.race(result).then(
          (response) => {
            open.dispose();
            return response;
          },
          (error: unknown) => {
            open.dispose();
            return rejectFromHandler(error);
          },
        ),
      );
    } catch (error) {
      scope?.dispose();
      return Promise.reject(errorFromHandler(error));
    }
  }

  /** Runs a call that ends in a stream of responses (server stream and bidi). */
  async function* many(method: AnyMethod, input: (scope: CallScope) => unknown, options: CallOptions | undefined): AsyncGenerator<unknown> {
    const fn = lookup(method);
    // Streams always get a scope: the handler must learn when the consumer stops reading.
    const scope = new CallScope(options?.signal, options?.deadline);
    let iterator: AsyncIterator<unknown> | undefined;
    inFlight++;
    try {
      await raced(Promise.resolve(), scope);
      iterator = (fn(input(scope), context(options, scope)) as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      for (;;) {
        const result = await raced(iterator.next(), scope);
        if (result.done) return;
        yield result.value;
      }
    } catch (error) {
      throw errorFromHandler(error);
    } finally {
      scope.dispose(true);
      void iterator?.return?.()?.catch(() => undefined);
      settled();
    }
  }

  return {
    unary(method, request, options) {
      return single(method, () => request, options);
    },
    clientStream(method, requests, options) {
      return single(method, (scope) => (scope ? guarded(requests, scope) : requests), options);
    },
    serverStream(method, request, options) {
      return many(method, () => request, options);
    },
    bidi(method, requests, options) {
      return many(method, (scope) => guarded(requests, scope), options);
    },
    async warmup() {
      if (closed) throw new GovcError('unavailable', 'transport is closed');
    },
    close() {
      closed = true;
      closing ??= inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve));
      return closing;
    },
  };
}
