import { GovcError } from '../errors/govc-error.js';
import { DeadlineWheel, type Expirable } from '../protocol/deadline-wheel.js';
import { checkMessage } from '../schema/check.js';
import { canceledBy } from './abort.js';
import type { BatchOperation, BatchOperationsRequest, BatchResult } from '../schema/messages.js';
import { govcMethods } from '../schema/methods.js';
import type { CallHeaders } from '../transport.js';
import { createBatchLoader, type BatchLoader } from './batch-loader.js';
import { idempotencyKeyHeader } from './idempotency-key.js';
import type { Middleware, Next, Reply, UnaryCall } from './middleware.js';
import { optionValue } from '../options/option-value.js';

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

/** A sent batch that can be cancelled: it exists only when every caller in it can leave (has a signal or a deadline). */
interface SentBatch {
  readonly controller: AbortController;
  /** Callers in the batch that have not left yet. */
  live: number;
}

/** Callers' deadlines fire through one timer per 5 ms slot, as in-process calls' do. */
const deadlines = new DeadlineWheel(5);

/** One caller waiting for its op's result; it settles once, by its result or by leaving. */
class Waiter implements Expirable {
  settled = false;
  batch: SentBatch | undefined = undefined;
  #onAbort: (() => void) | undefined = undefined;
  #deadlineSlot: number | undefined = undefined;

  constructor(
    readonly call: UnaryCall,
    readonly repo: string,
    readonly key: string,
    /** The call's headers without `idempotency-key`: the batch's headers. */
    readonly headers: CallHeaders | undefined,
    readonly size: number,
    readonly loader: BatchLoader<Waiter>,
    readonly resolve: (reply: Reply) => void,
    readonly reject: (error: GovcError) => void,
  ) {
    const { signal, deadline } = call;
    if (signal) {
      const onAbort = (this.#onAbort = () => this.leave(canceledBy(signal)));
      signal.addEventListener('abort', onAbort, { once: true });
    }
    if (deadline !== undefined) this.#deadlineSlot = deadlines.schedule(deadline, this);
  }

  /** The caller's own deadline passed: it leaves alone, whatever its batch does. */
  expire(): void {
    this.#deadlineSlot = undefined;
    this.leave(new GovcError('deadline_exceeded', 'the call’s deadline passed while its batch was under way'));
  }

  /**
   * Settles this caller with `error` at once and takes it out of its batch: a batch not yet sent
   * just goes without it; a sent one is cancelled only when nobody is left waiting for it.
   */
  leave(error: GovcError): void {
    if (this.settled) return;
    const { batch } = this;
    if (!this.loader.remove(this.key, this) && batch && --batch.live === 0) {
      batch.controller.abort(new GovcError('canceled', 'every caller of the batch has gone'));
    }
    this.fail(error);
  }

  succeed(reply: Reply): void {
    if (this.#settle()) this.resolve(reply);
  }

  fail(error: unknown): void {
    if (this.#settle()) this.reject(GovcError.from(error));
  }

  #settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.#onAbort) this.call.signal!.removeEventListener('abort', this.#onAbort);
    if (this.#deadlineSlot !== undefined) deadlines.cancel(this.#deadlineSlot, this);
    return true;
  }
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
    maxItems: optionValue('maxItems', options.maxItems, 100, { min: 1, integer: true }),
    maxBytes: optionValue('maxBytes', options.maxBytes, 1024 * 1024, { min: 1, integer: true }),
    windowMs: optionValue('windowMs', options.windowMs, 0, { min: 0 }),
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
    for (const waiter of waiters) waiter.fail(new GovcError('internal', 'batch response has no results'));
    return;
  }
  const byId = new Map((results as BatchResult[]).map((result) => [result.id, result]));
  waiters.forEach((waiter, i) => {
    const result = byId.get(String(i));
    if (!result) waiter.fail(new GovcError('internal', `batch response has no result for op ${i}`));
    else if (result.ok) waiter.succeed({ stream: false, response: result.response });
    else waiter.fail(GovcError.fromJSON(result.error));
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
        (reply) => first.succeed(reply),
        (error: unknown) => first.fail(error),
      );
      return;
    }
    const canLeave = waiters.every(({ call }) => call.signal !== undefined || call.deadline !== undefined);
    const batch = canLeave ? { controller: new AbortController(), live: waiters.length } : undefined;
    for (const waiter of waiters) waiter.batch = batch;
    const request: BatchOperationsRequest = {
      repo: first.repo,
      atomic: false,
      operations: waiters.map((waiter, i) => opOf(waiter, String(i))),
    };
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
        for (const waiter of waiters) waiter.fail(error);
      },
    );
  };
}

/** Whether `call`'s request has its method's shape: a malformed one would fail the whole batch on the server. */
function wellFormed(call: UnaryCall): boolean {
  try {
    checkMessage(call.method.input, call.request);
    return true;
  } catch {
    return false;
  }
}

/**
 * Collects batchable unary calls made together and sends them as `BatchOperations` calls, one
 * per repository and header set, split by `maxItems` and `maxBytes`. Each caller settles alone
 * with its own op's result; a lone call goes out unchanged. A caller leaves alone, at once, when
 * its signal aborts (`canceled`) or its deadline passes (`deadline_exceeded`); a batch carries
 * the latest of its callers' deadlines, and a sent batch is cancelled only when every caller in it
 * has left. Calls that are not batchable, streams, calls without a string `repo` and malformed
 * calls (which would fail the batch's every op on the server) go out alone, unchanged.
 */
export function batching(options: BatchingOptions = {}): Middleware {
  const resolved = resolveOptions(options);
  return function batchingMiddleware(next) {
    const loader = createBatchLoader<Waiter>({ ...resolved, sizeOf: (waiter) => waiter.size, dispatch: dispatchTo(next) });
    return function batchingCall(call) {
      if (call.stream || !call.method.batchable) return next(call);
      const repo = (call.request as { repo?: unknown } | null | undefined)?.repo;
      if (typeof repo !== 'string' || !wellFormed(call)) return next(call);
      const { signal, deadline } = call;
      if (signal?.aborted) return Promise.reject(canceledBy(signal));
      if (deadline !== undefined && deadline <= Date.now())
        return Promise.reject(new GovcError('deadline_exceeded', 'deadline passed before the call started'));
      const headers = withoutKey(call.headers);
      const key = batchKey(repo, headers);
      const idempotencyKey = call.headers?.[idempotencyKeyHeader] ?? '';
      const size = opOverheadBytes + call.method.name.length + idempotencyKey.length + estimateSize(call.request);
      return new Promise<Reply>((resolve, reject) => {
        loader.add(key, new Waiter(call, repo, key, headers, size, loader, resolve, reject));
      });
    };
  };
}
