import type { AnyMethod } from '../schema/methods.js';
import type { CallHeaders } from '../transport.js';

/** A call on its way from the client to the transport. Doubles as the transport's `CallOptions`. */
export interface UnaryCall {
  readonly stream: false;
  readonly method: AnyMethod;
  /** The request message. */
  readonly request: unknown;
  readonly signal: AbortSignal | undefined;
  /** Absolute deadline, ms since the epoch. */
  readonly deadline: number | undefined;
  readonly headers: CallHeaders | undefined;
}

/** A streaming call (client stream, server stream or bidi) on its way to the transport. */
export interface StreamCall {
  readonly stream: true;
  readonly method: AnyMethod;
  /** The request message for a server stream; an `AsyncIterable` of them for client and bidi streams. */
  readonly request: unknown;
  readonly signal: AbortSignal | undefined;
  readonly deadline: number | undefined;
  readonly headers: CallHeaders | undefined;
}

export type Call = UnaryCall | StreamCall;

export interface UnaryReply {
  readonly stream: false;
  readonly response: unknown;
}

/** A streaming call's outcome: for a client stream the one response, otherwise the responses to iterate. */
export interface StreamReply {
  readonly stream: true;
  /** The response message for a client stream; an `AsyncIterable` of them for server and bidi streams. */
  readonly response: unknown;
}

export type Reply = UnaryReply | StreamReply;

/** The rest of the chain: the next middleware, or in the end the transport. */
export type Next = (call: Call) => Promise<Reply>;

/** Wraps the rest of the chain: sees every call on its way out and every reply on its way back. */
export type Middleware = (next: Next) => Next;

/**
 * Composes middleware into one. The order is outermost first: `compose([a, b])(next)` runs `a`,
 * which calls `b`, which calls `next`. The client's usual order is metrics, auth, deadline,
 * retry, batching — so one logical call is measured once, retried as a whole, and each attempt
 * may join a batch.
 */
export function compose(middleware: readonly Middleware[]): Middleware {
  return function composed(next) {
    let chain = next;
    for (let i = middleware.length - 1; i >= 0; i--) chain = middleware[i]!(chain);
    return chain;
  };
}

/** Returns `call` with `headers` merged over its own headers (the call's object is never mutated). */
export function withHeaders<C extends Call>(call: C, headers: CallHeaders): C {
  return { ...call, headers: call.headers ? { ...call.headers, ...headers } : headers };
}
