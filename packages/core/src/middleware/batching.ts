import { GovcError } from '../errors/govc-error.js';
import { canceledBy } from './abort.js';
import type { BatchOperation, BatchOperationsRequest, BatchResult } from '../schema/messages.js';
import { govcMethods } from '../schema/methods.js';
import type { CallHeaders } from '../transport.js';
import { createBatchLoader, type BatchLoader } from './batch-loader.js';
import { idempotencyKeyHeader } from './idempotency-key.js';
import type { Middleware, Next, Reply, UnaryCall } from './middleware.js';
import { atLeast } from './option-check.js';

/** Options of `batching`. */
export interface BatchingOptions {
  /**
   * Most operations in one `BatchOperations` call. Default `100`: well under the server's limit of
   * 1,000, and small enough that one slow op holds few callers back.
   */
  readonly maxItems?: number;
  /**
   * Most estimated bytes (byte fields plus string lengths plus a small per-op overhead) in one
   * batch. Default 1 MiB: even with base64 in JSON a batch stays far below usual message size
   * limits (4 MiB in gRPC), and a big blob does not delay many small calls.
   */
  readonly maxBytes?: number;
  /**
   * How long a batch collects calls, in ms. Default `0`: calls are collected only until the
   * current microtask queue drains, so batching adds no wait, yet calls made together
   * (`Promise.all`) share one round trip.
   */
  readonly windowMs?: number;
}

interface ResolvedBatchingOptions {
  readonly maxItems: number;
  readonly maxBytes: number;
  readonly windowMs: number;
}

/** A sent batch that can be cancelled: it exists only when every caller in it passed a signal. */
interface SentBatch {
  readonly controller: AbortController;
  /** Callers in the batch that have not aborted yet. */
  live: number;
}

/** One caller waiting for its op's result. */
interface Waiter {
  readonly call: UnaryCall;
  readonly repo: string;
  readonly key: string;
  /** The call's headers without `idempotency-key`: the batch's headers. */
  readonly headers: CallHeaders | undefined;
  readonly size: number;
  readonly resolve: (reply: Reply) => void;
  readonly reject: (error: GovcError) => void;
  settled: boolean;
  batch: SentBatch | undefined;
  onAbort: (() => void) | undefined;
}

/** Op framing (field tags, lengths, the id) that the byte and string lengths do not count. */
const opOverheadBytes = 32;

/** Estimated encoded size of a message: byte-field lengths plus string lengths. */
export function estimateSize(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value !== 'object' || value === null) return 0;
  let size = 0;
  if (Array.isArray(value)) for (const item of value) size += estimateSize(item);
  else for (const key in value) size += estimateSize((value as Record<string, unknown>)[key]);
  return size;
}

function resolveOptions(options: BatchingOptions): ResolvedBatchingOptions {
  return {
    maxItems: atLeast('maxItems', options.maxItems ?? 100, 1),
    maxBytes: atLeast('maxBytes', options.maxBytes ?? 1024 * 1024, 1),
    windowMs: atLeast('windowMs', options.windowMs ?? 0, 0),
  };
}

function withoutKey(headers: CallHeaders | undefined): CallHeaders | undefined {
  if (!headers || headers[idempotencyKeyHeader] === undefined) return headers;
  const { [idempotencyKeyHeader]: _key, ...rest } = headers;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/** Calls share a batch only with the same repository and the same headers (auth above all). */
function batchKey(repo: string, headers: CallHeaders | undefined): string {
  // The common case, no headers, needs no serialising; a NUL never starts the JSON form.
  if (!headers) return `\u0000${repo}`;
  const entries = Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([repo, entries]);
}

function settle(waiter: Waiter): boolean {
  if (waiter.settled) return false;
  waiter.settled = true;
  if (waiter.onAbort) waiter.call.signal!.removeEventListener('abort', waiter.onAbort);
  return true;
}

function succeed(waiter: Waiter, reply: Reply): void {
  if (settle(waiter)) waiter.resolve(reply);
}

function fail(waiter: Waiter, error: unknown): void {
  if (settle(waiter)) waiter.reject(GovcError.from(error));
}

/** The batch's deadline: the latest of its callers', or none when any caller has none. */
function latestDeadline(waiters: readonly Waiter[]): number | undefined {
  let latest = -Infinity;
  for (const { call } of waiters) {
    if (call.deadline === undefined) return undefined;
    latest = Math.max(latest, call.deadline);
  }
  return latest;
}

function opOf(waiter: Waiter, id: string): BatchOperation {
  const op: BatchOperation = { id, method: waiter.call.method.name, request: waiter.call.request };
  const key = waiter.call.headers?.[idempotencyKeyHeader];
  if (key !== undefined) op.idempotencyKey = key;
  return op;
}

/** Hands each caller its own op's result. */
function deliver(waiters: readonly Waiter[], response: unknown): void {
  const results = (response as { results?: unknown } | undefined)?.results;
  if (!Array.isArray(results)) {
    for (const waiter of waiters) fail(waiter, new GovcError('internal', 'batch response has no results'));
    return;
  }
  const byId = new Map((results as BatchResult[]).map((result) => [result.id, result]));
  waiters.forEach((waiter, i) => {
    const result = byId.get(String(i));
    if (!result) fail(waiter, new GovcError('internal', `batch response has no result for op ${i}`));
    else if (result.ok) succeed(waiter, { stream: false, response: result.response });
    else fail(waiter, GovcError.fromJSON(result.error));
  });
}

/** Calls `next` so that a synchronous throw becomes a rejection. */
function send(next: Next, call: UnaryCall): Promise<Reply> {
  try {
    return next(call);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Sends one batch of waiters: a lone call unchanged, several as one `BatchOperations` call. */
function dispatchTo(next: Next): (waiters: readonly Waiter[]) => void {
  return function dispatchBatch(waiters) {
    const first = waiters[0];
    if (!first) return;
    if (waiters.length === 1) {
      send(next, first.call).then(
        (reply) => succeed(first, reply),
        (error: unknown) => fail(first, error),
      );
      return;
    }
    const batch = waiters.every((waiter) => waiter.call.signal) ? { controller: new AbortController(), live: waiters.length } : undefined;
    for (const waiter of waiters) waiter.batch = batch;
    const request: BatchOperationsRequest = { repo: first.repo, atomic: false, operations: waiters.map((waiter, i) => opOf(waiter, String(i))) };
    send(next, {
      stream: false,
      method: govcMethods.BatchOperations,
      request,
      signal: batch?.controller.signal,
      deadline: latestDeadline(waiters),
      headers: first.headers,
    }).then(
      (reply) => deliver(waiters, reply.response),
      (error: unknown) => {
        for (const waiter of waiters) fail(waiter, error);
      },
    );
  };
}

/** Lets `waiter` leave at once when its signal aborts, without touching the other callers. */
function watchAbort(waiter: Waiter, signal: AbortSignal, loader: BatchLoader<Waiter>): void {
  waiter.onAbort = function onCallerAbort() {
    if (waiter.settled) return;
    const { batch } = waiter;
    // Not yet sent: just drop it. Sent: cancel the batch only when nobody is left waiting for it.
    if (!loader.remove(waiter.key, waiter) && batch && --batch.live === 0) {
      batch.controller.abort(new GovcError('canceled', 'every caller of the batch canceled'));
    }
    fail(waiter, canceledBy(signal));
  };
  signal.addEventListener('abort', waiter.onAbort, { once: true });
}

/**
 * Collects batchable unary calls made together and sends them as `BatchOperations` calls, one
 * per repository and header set, split by `maxItems` and `maxBytes`. Each caller settles alone
 * with its own op's result; a lone call goes out unchanged. Aborting a caller rejects it with
 * `canceled` at once; a sent batch is cancelled only when every caller in it has aborted. Calls
 * that are not batchable, streams and calls without a string `repo` pass straight through.
 */
export function batching(options: BatchingOptions = {}): Middleware {
  const resolved = resolveOptions(options);
  return function batchingMiddleware(next) {
    const loader = createBatchLoader<Waiter>({ ...resolved, sizeOf: (waiter) => waiter.size, dispatch: dispatchTo(next) });
    return function batchingCall(call) {
      if (call.stream || !call.method.batchable) return next(call);
      const repo = (call.request as { repo?: unknown } | null | undefined)?.repo;
      if (typeof repo !== 'string') return next(call);
      const { signal } = call;
      if (signal?.aborted) return Promise.reject(canceledBy(signal));
      const headers = withoutKey(call.headers);
      const key = batchKey(repo, headers);
      const idempotencyKey = call.headers?.[idempotencyKeyHeader] ?? '';
      const size = opOverheadBytes + call.method.name.length + idempotencyKey.length + estimateSize(call.request);
      return new Promise<Reply>((resolve, reject) => {
        const waiter: Waiter = { call, repo, key, headers, size, resolve, reject, settled: false, batch: undefined, onAbort: undefined };
        if (signal) watchAbort(waiter, signal, loader);
        loader.add(key, waiter);
      });
    };
  };
}
