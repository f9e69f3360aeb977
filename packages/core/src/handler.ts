import type { GovcMethodName, GovcMethods, InputOf, OutputOf } from './schema/methods.js';
import type { CallHeaders } from './transport.js';

/**
 * What a call's handlers learn about it that operators want in its log line: written by the
 * handler (the service names the repository, the server's auth the token), read by the binding
 * when the call ends. Never request data beyond these.
 */
export interface CallFacts {
  /** The repository the call acts in. */
  repo?: string;
  /** The name of the caller's token. */
  caller?: string;
}

/** What a service method knows about the call it serves, on every transport. */
export interface HandlerContext {
  /**
   * Aborted when the caller cancels, the deadline passes or the connection is lost. Absent when
   * none of these can happen, so the hot path builds no `AbortController`.
   */
  readonly signal: AbortSignal | undefined;
  /** Absolute deadline, ms since the epoch; the service stops its work past it. */
  readonly deadline: number | undefined;
  /** Request headers / metadata, lower-case names. */
  readonly headers: CallHeaders;
  /** Who is calling, as authenticated by the server (`""` when auth is off); scopes idempotency keys. */
  readonly caller: string;
  /** Where to note facts for the call's log line; absent when nothing logs them (in process). */
  readonly facts?: CallFacts | undefined;
}

/** The server-side signature of one method, by call shape. */
export type HandlerMethod<M> = M extends { kind: 'unary' }
  ? (request: InputOf<M>, context: HandlerContext) => Promise<OutputOf<M>>
  : M extends { kind: 'client_stream' }
    ? (requests: AsyncIterable<InputOf<M>>, context: HandlerContext) => Promise<OutputOf<M>>
    : M extends { kind: 'server_stream' }
      ? (request: InputOf<M>, context: HandlerContext) => AsyncIterable<OutputOf<M>>
      : (requests: AsyncIterable<InputOf<M>>, context: HandlerContext) => AsyncIterable<OutputOf<M>>;

/** The govc service as every binding and the in-process transport call it: one function per method. */
export type ServiceHandler = { readonly [K in GovcMethodName]: HandlerMethod<GovcMethods[K]> };

/** Any handler, looked up by method name; bindings dispatch through this view. Methods are called without `this`. */
export type AnyHandler = Readonly<Record<string, ((request: never, context: HandlerContext) => unknown) | undefined>>;

/** Empty headers, shared so that calls without headers allocate nothing. */
export const noHeaders: CallHeaders = Object.freeze({});
