import type { CallHeaders } from '../../src/transport.js';
import type { Call, Reply, StreamCall, UnaryCall } from '../../src/middleware/middleware.js';
import type { AnyMethod } from '../../src/schema/methods.js';

/** Per-call fields a test may set; the rest default to "none". */
export interface CallFields {
  readonly signal?: AbortSignal;
  readonly deadline?: number;
  readonly headers?: CallHeaders;
}

/** A unary call as the client builds it. */
export function unaryCall(method: AnyMethod, request: unknown, fields: CallFields = {}): UnaryCall {
  return { stream: false, method, request, signal: fields.signal, deadline: fields.deadline, headers: fields.headers };
}

/** A streaming call as the client builds it. */
export function streamCall(method: AnyMethod, request: unknown, fields: CallFields = {}): StreamCall {
  return { stream: true, method, request, signal: fields.signal, deadline: fields.deadline, headers: fields.headers };
}

/** A promise with its settle functions outside. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A fake end of the chain: records each call and answers it when the test says so. */
export function manualNext(): { next: (call: Call) => Promise<Reply>; calls: Call[]; replies: Deferred<Reply>[] } {
  const calls: Call[] = [];
  const replies: Deferred<Reply>[] = [];
  return {
    calls,
    replies,
    next(call) {
      calls.push(call);
      const reply = deferred<Reply>();
      replies.push(reply);
      return reply.promise;
    },
  };
}

/** Resolves once pending microtasks, `process.nextTick` callbacks and zero timers have run (real timers only). */
export function drain(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Watches a promise: `settled` turns true as soon as it settles (read it after a microtask turn). */
export function watch(promise: Promise<unknown>): { readonly settled: boolean } {
  const state = { settled: false };
  const mark = (): void => {
    state.settled = true;
  };
  promise.then(mark, mark);
  return state;
}
