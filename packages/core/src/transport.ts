import type { AnyMethod } from './schema/methods.js';

/** Request headers as a plain object with lower-case names (no WHATWG `Headers` on the hot path). */
export type CallHeaders = Readonly<Record<string, string>>;

/** Per-call options every call shape accepts. */
export interface CallOptions {
  /** Aborting it cancels the call: the caller sees `canceled`, the server stops the work. */
  readonly signal?: AbortSignal | undefined;
  /** Absolute deadline in ms since the epoch (`Date.now()` clock); past it the call is `deadline_exceeded`. */
  readonly deadline?: number | undefined;
  /** Extra request headers / metadata, lower-case names (`authorization`, `idempotency-key`, …). */
  readonly headers?: CallHeaders | undefined;
}

/**
 * Moves calls of any method between a client and a service. Type-only: each transport package
 * implements it. Streams are async iterables with backpressure: a transport reads from the
 * caller's request iterable only as fast as the peer accepts, and reads ahead of a slow consumer
 * by a bounded amount only. Every failure surfaces as a `GovcError`.
 */
export interface Transport {
  unary(method: AnyMethod, request: unknown, options?: CallOptions): Promise<unknown>;
  clientStream(method: AnyMethod, requests: AsyncIterable<unknown>, options?: CallOptions): Promise<unknown>;
  serverStream(method: AnyMethod, request: unknown, options?: CallOptions): AsyncIterable<unknown>;
  bidi(method: AnyMethod, requests: AsyncIterable<unknown>, options?: CallOptions): AsyncIterable<unknown>;
  /** Opens connections (and resolves names) before the first call, so it does not pay for them. */
  warmup(): Promise<void>;
  /** Lets in-flight calls finish, then releases every connection; later calls fail `unavailable`. */
  close(): Promise<void>;
}
