import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GovcError } from '../../src/errors/govc-error.js';
import { batching, estimateSize, type BatchingOptions } from '../../src/middleware/batching.js';
import type { Call, UnaryCall } from '../../src/middleware/middleware.js';
import type { BatchOperationsRequest, BatchResult } from '../../src/schema/messages.js';
import { govcMethods } from '../../src/schema/methods.js';
import { drain, manualNext, streamCall, unaryCall, watch, type CallFields } from './fixtures.js';

const { StoreBlob, GetBlob, UpdateRef, CreateRepository, DownloadBlob, BatchOperations } = govcMethods;

function blobCall(repo: string, content: Uint8Array | string, fields: CallFields = {}): UnaryCall {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return unaryCall(StoreBlob, { repo, content: bytes }, fields);
}

function batchRequest(call: Call | undefined): BatchOperationsRequest {
  expect(call?.method).toBe(BatchOperations);
  return call!.request as BatchOperationsRequest;
}

/** A batch response that answers each op with `ok` and the op's own id in the response. */
function echoResults(request: BatchOperationsRequest): BatchResult[] {
  return request.operations.map((op) => ({ id: op.id, method: op.method, ok: true, response: { echo: op.id } }));
}

function setup(options: BatchingOptions = {}) {
  const fake = manualNext();
  const next = batching(options)(fake.next);
  return { ...fake, next };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('batching', () => {
  it('passes non-batchable calls, streams and calls without a string repo straight through', () => {
    const { next, calls } = setup();
    const plain = unaryCall(CreateRepository, { repo: 'r' });
    const stream = streamCall(DownloadBlob, { repo: 'r', hash: 'h' });
    const noRepo = unaryCall(GetBlob, { hash: 'h' });
    const numericRepo = unaryCall(GetBlob, { repo: 7, hash: 'h' });
    const nullRequest = unaryCall(GetBlob, null);
    for (const call of [plain, stream, noRepo, numericRepo, nullRequest]) void next(call);
    // Synchronously, with the very same call object: nothing was queued.
    expect(calls).toEqual([plain, stream, noRepo, numericRepo, nullRequest]);
    expect(calls[0]).toBe(plain);
  });

  it('sends a lone call unchanged, with no batch overhead', async () => {
    const { next, calls, replies } = setup();
    const call = blobCall('r', 'x', { headers: { authorization: 'Bearer a', 'idempotency-key': 'k' } });
    const reply = next(call);
    expect(calls).toHaveLength(0);
    await drain();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toBe(call);
    replies[0]!.resolve({ stream: false, response: { hash: 'h', size: 1 } });
    await expect(reply).resolves.toEqual({ stream: false, response: { hash: 'h', size: 1 } });
  });

  it('a lone call that fails rejects with a GovcError', async () => {
    const { next, replies } = setup();
    const reply = next(blobCall('r', 'x'));
    await drain();
    replies[0]!.reject(new Error('socket closed'));
    await expect(reply).rejects.toMatchObject({ name: 'GovcError', code: 'unknown' });
  });

  it('collects calls made together into one BatchOperations call and hands each caller its own result', async () => {
    const { next, calls, replies } = setup();
    const a = next(blobCall('r', 'a'));
    const b = next(unaryCall(GetBlob, { repo: 'r', hash: 'h1' }));
    const c = next(unaryCall(UpdateRef, { repo: 'r', name: 'refs/heads/x', newHash: 'n', expectedOldHash: '' }));
    await drain();
    expect(calls).toHaveLength(1);
    const batch = calls[0]!;
    expect(batch.stream).toBe(false);
    expect(batch.signal).toBeUndefined();
    expect(batch.deadline).toBeUndefined();
    expect(batch.headers).toBeUndefined();
    const request = batchRequest(batch);
    expect(request.repo).toBe('r');
    expect(request.atomic).toBe(false);
    expect(request.operations.map((op) => op.method)).toEqual(['StoreBlob', 'GetBlob', 'UpdateRef']);
    expect(request.operations[1]).toEqual({ id: request.operations[1]!.id, method: 'GetBlob', request: { repo: 'r', hash: 'h1' } });
    expect(new Set(request.operations.map((op) => op.id)).size).toBe(3);
    // Results out of order: each caller still gets the result with its op's id.
    const results = echoResults(request).reverse();
    replies[0]!.resolve({ stream: false, response: { results } });
    const ids = request.operations.map((op) => op.id);
    await expect(a).resolves.toEqual({ stream: false, response: { echo: ids[0] } });
    await expect(b).resolves.toEqual({ stream: false, response: { echo: ids[1] } });
    await expect(c).resolves.toEqual({ stream: false, response: { echo: ids[2] } });
  });

  it('keeps the callers’ order in the ops', async () => {
    const { next, calls, replies } = setup();
    const replyPromises = Array.from({ length: 20 }, (_, i) => next(unaryCall(GetBlob, { repo: 'r', hash: `h${i}` })));
    await drain();
    const request = batchRequest(calls[0]);
    expect(request.operations.map((op) => (op.request as { hash: string }).hash)).toEqual(Array.from({ length: 20 }, (_, i) => `h${i}`));
    replies[0]!.resolve({ stream: false, response: { results: echoResults(request) } });
    const settled = await Promise.all(replyPromises);
    expect(settled.map((reply) => (reply.response as { echo: string }).echo)).toEqual(request.operations.map((op) => op.id));
  });

  it('splits by maxItems', async () => {
    const { next, calls } = setup({ maxItems: 2 });
    for (let i = 0; i < 5; i++) void next(blobCall('r', `blob ${i}`));
    await drain();
    expect(calls).toHaveLength(3);
    expect(batchRequest(calls[0]).operations).toHaveLength(2);
    expect(batchRequest(calls[1]).operations).toHaveLength(2);
    // The fifth is alone in its batch, so it goes out unchanged.
    expect(calls[2]!.method).toBe(StoreBlob);
    expect((calls[2]!.request as { content: Uint8Array }).content).toEqual(new TextEncoder().encode('blob 4'));
  });

  it('splits by maxBytes, and an op bigger than maxBytes goes alone', async () => {
    const small = (): Uint8Array => new Uint8Array(100);
    const opSize = estimateSize({ repo: 'r', content: small() });
    expect(opSize).toBe(101);
    // Two small ops (each 101 bytes plus overhead) fit in 300 bytes, three do not.
    const { next, calls } = setup({ maxBytes: 300 });
    const sizes = [100, 100, 100, 1_000, 100, 100];
    for (const size of sizes) void next(blobCall('r', new Uint8Array(size)));
    await drain();
    const shapes = calls.map((call) =>
      call.method === BatchOperations
        ? batchRequest(call).operations.map((op) => (op.request as { content: Uint8Array }).content.length)
        : [(call.request as { content: Uint8Array }).content.length],
    );
    expect(shapes).toEqual([[100, 100], [100], [1_000], [100, 100]]);
    expect(calls[1]!.method).toBe(StoreBlob);
    expect(calls[2]!.method).toBe(StoreBlob);
  });

  it('settles each caller alone on partial failure', async () => {
    const { next, calls, replies } = setup();
    const ok1 = next(blobCall('r', 'a'));
    const bad = next(blobCall('r', 'b'));
    const weird = next(blobCall('r', 'c'));
    const ok2 = next(blobCall('r', 'd'));
    await drain();
    const [a, b, c, d] = batchRequest(calls[0]).operations;
    replies[0]!.resolve({
      stream: false,
      response: {
        results: [
          { id: a!.id, method: 'StoreBlob', ok: true, response: { hash: 'ha', size: 1 } },
          { id: b!.id, method: 'StoreBlob', ok: false, error: { code: 'resource_exhausted', message: 'too big' } },
          { id: c!.id, method: 'StoreBlob', ok: false, error: { code: 'no_such_code', message: 'odd' } },
          { id: d!.id, method: 'StoreBlob', ok: true, response: { hash: 'hd', size: 1 } },
        ],
      },
    });
    await expect(ok1).resolves.toEqual({ stream: false, response: { hash: 'ha', size: 1 } });
    await expect(ok2).resolves.toEqual({ stream: false, response: { hash: 'hd', size: 1 } });
    const error = await bad.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GovcError);
    expect(error).toMatchObject({ code: 'resource_exhausted', rawMessage: 'too big' });
    await expect(weird).rejects.toMatchObject({ code: 'unknown', rawMessage: 'odd' });
  });

  it('rejects every caller with the batch call’s error when the whole batch fails', async () => {
    const { next, replies } = setup();
    const all = [next(blobCall('r', 'a')), next(blobCall('r', 'b')), next(blobCall('r', 'c'))];
    await drain();
    const failure = new GovcError('unavailable', 'server went away');
    replies[0]!.reject(failure);
    for (const reply of all) await expect(reply).rejects.toBe(failure);
  });

  it('turns a non-GovcError batch failure into a GovcError', async () => {
    const { next, replies } = setup();
    const all = [next(blobCall('r', 'a')), next(blobCall('r', 'b'))];
    await drain();
    replies[0]!.reject(new TypeError('boom'));
    for (const reply of all) await expect(reply).rejects.toMatchObject({ name: 'GovcError', code: 'unknown' });
  });

  it('rejects with internal when the batch response lacks results', async () => {
    const { next, calls, replies } = setup();
    const all = [next(blobCall('r', 'a')), next(blobCall('r', 'b')), next(blobCall('r', 'c'))];
    await drain();
    replies[0]!.resolve({ stream: false, response: { results: [echoResults(batchRequest(calls[0]))[0]] } });
    await expect(all[0]).resolves.toMatchObject({ stream: false });
    await expect(all[1]).rejects.toMatchObject({ code: 'internal' });
    await expect(all[2]).rejects.toMatchObject({ code: 'internal' });

    const again = [next(blobCall('r', 'a')), next(blobCall('r', 'b'))];
    await drain();
    replies[1]!.resolve({ stream: false, response: {} });
    for (const reply of again) await expect(reply).rejects.toMatchObject({ code: 'internal' });
  });

  it('a synchronous throw from next rejects every caller', async () => {
    const next = batching()(() => {
      throw new GovcError('unavailable', 'closed');
    });
    const all = [next(blobCall('r', 'a')), next(blobCall('r', 'b'))];
    for (const reply of all) await expect(reply).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('carries each caller’s idempotency key into its op, and keys do not split batches', async () => {
    const { next, calls } = setup();
    void next(blobCall('r', 'a', { headers: { 'idempotency-key': 'key-a', authorization: 'Bearer t' } }));
    void next(blobCall('r', 'b', { headers: { authorization: 'Bearer t' } }));
    void next(blobCall('r', 'c', { headers: { authorization: 'Bearer t', 'idempotency-key': 'key-c' } }));
    await drain();
    expect(calls).toHaveLength(1);
    const batch = calls[0]!;
    expect(batch.headers).toEqual({ authorization: 'Bearer t' });
    const ops = batchRequest(batch).operations;
    expect(ops.map((op) => op.idempotencyKey)).toEqual(['key-a', undefined, 'key-c']);
    expect('idempotencyKey' in ops[1]!).toBe(false);
  });

  it('a batch of calls whose only header is the key has no headers', async () => {
    const { next, calls } = setup();
    void next(blobCall('r', 'a', { headers: { 'idempotency-key': 'k1' } }));
    void next(blobCall('r', 'b', { headers: { 'idempotency-key': 'k2' } }));
    await drain();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.headers).toBeUndefined();
  });

  it('never mixes calls with different headers or repositories', async () => {
    const { next, calls } = setup();
    void next(blobCall('r', '1', { headers: { authorization: 'Bearer alice' } }));
    void next(blobCall('r', '2', { headers: { authorization: 'Bearer bob' } }));
    void next(blobCall('r', '3', { headers: { authorization: 'Bearer alice' } }));
    void next(blobCall('r', '4', { headers: { authorization: 'Bearer bob' } }));
    void next(blobCall('other', '5', { headers: { authorization: 'Bearer alice' } }));
    void next(blobCall('other', '6', { headers: { authorization: 'Bearer alice' } }));
    void next(blobCall('r', '7'));
    void next(blobCall('r', '8'));
    // Same headers in another order share the batch.
    void next(blobCall('r', '9', { headers: { a: '1', b: '2' } }));
    void next(blobCall('r', '10', { headers: { b: '2', a: '1' } }));
    await drain();
    const groups = calls.map((call) => ({
      repo: batchRequest(call).repo,
      headers: call.headers,
      blobs: batchRequest(call).operations.map((op) => new TextDecoder().decode((op.request as { content: Uint8Array }).content)),
    }));
    expect(groups).toEqual([
      { repo: 'r', headers: { authorization: 'Bearer alice' }, blobs: ['1', '3'] },
      { repo: 'r', headers: { authorization: 'Bearer bob' }, blobs: ['2', '4'] },
      { repo: 'other', headers: { authorization: 'Bearer alice' }, blobs: ['5', '6'] },
      { repo: 'r', headers: undefined, blobs: ['7', '8'] },
      { repo: 'r', headers: { a: '1', b: '2' }, blobs: ['9', '10'] },
    ]);
  });

  it('gives the batch the latest deadline of its callers, or none when one caller has none', async () => {
    const { next, calls, replies } = setup();
    const now = Date.now();
    const all = [
      next(blobCall('r', 'a', { deadline: now + 5_000 })),
      next(blobCall('r', 'b', { deadline: now + 9_000 })),
      next(blobCall('r', 'c', { deadline: now + 7_000 })),
      next(blobCall('s', 'a', { deadline: now + 5_000 })),
      next(blobCall('s', 'b')),
    ];
    await drain();
    expect(calls.map((call) => call.deadline)).toEqual([now + 9_000, undefined]);
    // Settle them, so that no deadline timer outlives the test.
    calls.forEach((call, i) => replies[i]!.resolve({ stream: false, response: { results: echoResults(batchRequest(call)) } }));
    await expect(Promise.all(all)).resolves.toHaveLength(5);
  });

  describe('deadlines', () => {
    it('a caller whose deadline passes leaves alone, and the others get their results', async () => {
      vi.useFakeTimers();
      const { next, calls, replies } = setup();
      const now = Date.now();
      const shortReply = next(blobCall('r', 'short', { deadline: now + 50 })).catch((error: unknown) => error);
      const short = watch(shortReply);
      const long = next(blobCall('r', 'long', { deadline: now + 10_000 }));
      await vi.advanceTimersByTimeAsync(0);
      expect(batchRequest(calls[0]).operations).toHaveLength(2);
      expect(calls[0]!.deadline).toBe(now + 10_000);
      await vi.advanceTimersByTimeAsync(60);
      expect(short.settled).toBe(true);
      await expect(shortReply).resolves.toMatchObject({ code: 'deadline_exceeded' });
      expect(calls[0]!.signal!.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(250);
      replies[0]!.resolve({ stream: false, response: { results: echoResults(batchRequest(calls[0])) } });
      await expect(long).resolves.toEqual({ stream: false, response: { echo: '1' } });
    });

    it('before send: a caller past its deadline is left out of the batch', async () => {
      vi.useFakeTimers();
      const { next, calls, replies } = setup({ windowMs: 100 });
      const now = Date.now();
      const short = next(blobCall('r', 'short', { deadline: now + 20 })).catch((error: unknown) => error);
      const other = blobCall('r', 'other');
      const rest = next(other);
      await vi.advanceTimersByTimeAsync(30);
      await expect(short).resolves.toMatchObject({ code: 'deadline_exceeded' });
      await vi.advanceTimersByTimeAsync(100);
      expect(calls).toEqual([other]);
      replies[0]!.resolve({ stream: false, response: { hash: 'h', size: 5 } });
      await expect(rest).resolves.toMatchObject({ stream: false });
    });

    it('after send: the batch is cancelled once every caller has left by deadline or abort', async () => {
      vi.useFakeTimers();
      const { next, calls } = setup();
      const now = Date.now();
      const controller = new AbortController();
      const byDeadline = next(blobCall('r', 'a', { deadline: now + 50 })).catch((error: unknown) => error);
      const byAbort = next(blobCall('r', 'b', { signal: controller.signal }));
      await vi.advanceTimersByTimeAsync(0);
      const batchSignal = calls[0]!.signal!;
      expect(batchSignal).toBeInstanceOf(AbortSignal);
      controller.abort();
      await expect(byAbort).rejects.toMatchObject({ code: 'canceled' });
      expect(batchSignal.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(60);
      await expect(byDeadline).resolves.toMatchObject({ code: 'deadline_exceeded' });
      expect(batchSignal.aborted).toBe(true);
    });

    it('rejects a caller whose deadline has already passed without queueing it', async () => {
      const { next, calls } = setup();
      await expect(next(blobCall('r', 'a', { deadline: Date.now() - 1 }))).rejects.toMatchObject({ code: 'deadline_exceeded' });
      await drain();
      expect(calls).toHaveLength(0);
    });
  });

  it('sends a malformed call alone, so that it cannot fail the callers batched together', async () => {
    const { next, calls, replies } = setup();
    const malformed = unaryCall(StoreBlob, { repo: 'r', content: 'not bytes' });
    const missingField = unaryCall(UpdateRef, { repo: 'r', name: 'refs/heads/main' });
    const bad = [next(malformed), next(missingField)];
    const good = [next(blobCall('r', 'a')), next(blobCall('r', 'b'))];
    await drain();
    expect(calls.slice(0, 2)).toEqual([malformed, missingField]);
    expect(batchRequest(calls[2]).operations).toHaveLength(2);
    replies[0]!.reject(new GovcError('invalid_argument', 'content: expected bytes'));
    replies[1]!.reject(new GovcError('invalid_argument', 'hash: expected a value'));
    replies[2]!.resolve({ stream: false, response: { results: echoResults(batchRequest(calls[2])) } });
    for (const reply of bad) await expect(reply).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(Promise.all(good)).resolves.toHaveLength(2);
  });

  it('collects for windowMs when it is set', async () => {
    vi.useFakeTimers();
    const { next, calls, replies } = setup({ windowMs: 20 });
    const first = next(blobCall('r', 'a'));
    await vi.advanceTimersByTimeAsync(10);
    const second = next(blobCall('r', 'b'));
    await vi.advanceTimersByTimeAsync(9);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
    expect(batchRequest(calls[0]).operations).toHaveLength(2);
    // A call after the flush starts a new window.
    const third = next(blobCall('r', 'c'));
    await vi.advanceTimersByTimeAsync(19);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.method).toBe(StoreBlob);
    replies[0]!.resolve({ stream: false, response: { results: echoResults(batchRequest(calls[0])) } });
    replies[1]!.resolve({ stream: false, response: { hash: 'h', size: 1 } });
    await expect(Promise.all([first, second, third])).resolves.toHaveLength(3);
  });

  it('without windowMs, calls in a later macrotask form a new batch', async () => {
    const { next, calls } = setup();
    void next(blobCall('r', 'a'));
    void next(blobCall('r', 'b'));
    await Promise.resolve();
    void next(blobCall('r', 'c')); // still the same turn of the microtask queue
    await drain();
    void next(blobCall('r', 'd'));
    void next(blobCall('r', 'e'));
    await drain();
    expect(calls.map((call) => batchRequest(call).operations.length)).toEqual([3, 2]);
  });

  describe('abort', () => {
    it('rejects an already aborted caller at once without queueing it', async () => {
      const { next, calls } = setup();
      const controller = new AbortController();
      controller.abort();
      await expect(next(blobCall('r', 'a', { signal: controller.signal }))).rejects.toMatchObject({ code: 'canceled' });
      await drain();
      expect(calls).toHaveLength(0);
    });

    it('before send: the caller rejects canceled at once and is left out of the batch', async () => {
      const { next, calls, replies } = setup();
      const controllers = [new AbortController(), new AbortController(), new AbortController()];
      const all = controllers.map((c, i) => next(blobCall('r', String(i), { signal: c.signal })));
      const watched = all.map(watch);
      controllers[1]!.abort('changed my mind');
      const error = await all[1]!.catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'GovcError', code: 'canceled', cause: 'changed my mind' });
      expect(calls).toHaveLength(0); // rejected before the flush
      await drain();
      expect(calls).toHaveLength(1);
      const ops = batchRequest(calls[0]).operations;
      expect(ops).toHaveLength(2);
      expect(watched[0]!.settled || watched[2]!.settled).toBe(false);
      replies[0]!.resolve({ stream: false, response: { results: echoResults(batchRequest(calls[0])) } });
      await expect(all[0]).resolves.toEqual({ stream: false, response: { echo: ops[0]!.id } });
      await expect(all[2]).resolves.toEqual({ stream: false, response: { echo: ops[1]!.id } });
    });

    it('before send: when only one caller is left, it goes out unchanged', async () => {
      const { next, calls } = setup();
      const a = new AbortController();
      const lone = blobCall('r', 'b', { signal: new AbortController().signal });
      void next(blobCall('r', 'a', { signal: a.signal })).catch(() => undefined);
      void next(lone);
      a.abort();
      await drain();
      expect(calls).toEqual([lone]);
    });

    it('before send: when every caller aborts, nothing is sent', async () => {
      const { next, calls } = setup();
      const controllers = [new AbortController(), new AbortController()];
      const all = controllers.map((c) => next(blobCall('r', 'x', { signal: c.signal })));
      for (const c of controllers) c.abort();
      for (const reply of all) await expect(reply).rejects.toMatchObject({ code: 'canceled' });
      await drain();
      expect(calls).toHaveLength(0);
    });

    it('after send: one caller aborting leaves the batch and the others alone', async () => {
      const { next, calls, replies } = setup();
      const controllers = [new AbortController(), new AbortController(), new AbortController()];
      const all = controllers.map((c, i) => next(blobCall('r', String(i), { signal: c.signal })));
      await drain();
      const batchSignal = calls[0]!.signal!;
      expect(batchSignal).toBeInstanceOf(AbortSignal);
      expect(controllers.map((c) => c.signal)).not.toContain(batchSignal);
      controllers[0]!.abort();
      await expect(all[0]).rejects.toMatchObject({ code: 'canceled' });
      expect(batchSignal.aborted).toBe(false);
      replies[0]!.resolve({ stream: false, response: { results: echoResults(batchRequest(calls[0])) } });
      await expect(all[1]).resolves.toMatchObject({ stream: false });
      await expect(all[2]).resolves.toMatchObject({ stream: false });
    });

    it('after send: the batch is cancelled only when every caller in it has aborted', async () => {
      const { next, calls, replies } = setup();
      const controllers = [new AbortController(), new AbortController(), new AbortController()];
      const all = controllers.map((c, i) => next(blobCall('r', String(i), { signal: c.signal })));
      await drain();
      const batchSignal = calls[0]!.signal!;
      controllers[2]!.abort();
      controllers[0]!.abort();
      expect(batchSignal.aborted).toBe(false);
      controllers[1]!.abort();
      expect(batchSignal.aborted).toBe(true);
      expect(batchSignal.reason).toMatchObject({ code: 'canceled' });
      for (const reply of all) await expect(reply).rejects.toMatchObject({ code: 'canceled' });
      // The transport's late answer changes nothing.
      replies[0]!.reject(new GovcError('canceled', 'transport saw the abort'));
      await drain();
    });

    it('after send: a late abort after the caller settled does nothing', async () => {
      const { next, calls, replies } = setup();
      const controllers = [new AbortController(), new AbortController()];
      const all = controllers.map((c, i) => next(blobCall('r', String(i), { signal: c.signal })));
      await drain();
      replies[0]!.resolve({ stream: false, response: { results: echoResults(batchRequest(calls[0])) } });
      await Promise.all(all);
      for (const c of controllers) c.abort();
      expect(calls[0]!.signal!.aborted).toBe(false);
    });

    it('a batch with a caller that passed no signal gets no signal and no controller', async () => {
      const { next, calls } = setup();
      const controller = new AbortController();
      const withSignal = next(blobCall('r', 'a', { signal: controller.signal }));
      void next(blobCall('r', 'b'));
      await drain();
      expect(calls[0]!.signal).toBeUndefined();
      controller.abort();
      await expect(withSignal).rejects.toMatchObject({ code: 'canceled' });
    });

    it('removes its abort listener once the caller settles', async () => {
      const { next, calls, replies } = setup();
      const controllers = [new AbortController(), new AbortController(), new AbortController()];
      const all = controllers.map((c, i) => next(blobCall(i < 2 ? 'r' : 'lone', String(i), { signal: c.signal })));
      for (const c of controllers) expect(getEventListeners(c.signal, 'abort')).toHaveLength(1);
      await drain();
      replies[0]!.resolve({ stream: false, response: { results: echoResults(batchRequest(calls[0])) } });
      replies[1]!.reject(new GovcError('not_found', 'gone'));
      await Promise.allSettled(all);
      for (const c of controllers) expect(getEventListeners(c.signal, 'abort')).toHaveLength(0);
    });

    it('adds no listener for calls without a signal', async () => {
      const add = vi.spyOn(AbortSignal.prototype, 'addEventListener');
      const { next, calls, replies } = setup();
      const all = [next(blobCall('r', 'a')), next(blobCall('r', 'b'))];
      await drain();
      replies[0]!.resolve({ stream: false, response: { results: echoResults(batchRequest(calls[0])) } });
      await Promise.all(all);
      expect(add).not.toHaveBeenCalled();
      add.mockRestore();
    });
  });

  it('rejects bad options when created', () => {
    expect(() => batching({ maxItems: 0 })).toThrow(RangeError);
    expect(() => batching({ maxBytes: Number.NaN })).toThrow(RangeError);
    expect(() => batching({ windowMs: -1 })).toThrow(RangeError);
  });
});

describe('estimateSize', () => {
  it('sums byte lengths and string lengths through nested messages', () => {
    const request = {
      repo: 'repo',
      branch: 'main',
      message: 'msg',
      author: { name: 'Ann', email: 'a@b', time: 12 },
      changes: [
        { path: 'a/b.txt', content: new Uint8Array(10) },
        { path: 'c', delete: true },
      ],
    };
    expect(estimateSize(request)).toBe(4 + 4 + 3 + 3 + 3 + 7 + 10 + 1);
    expect(estimateSize(undefined)).toBe(0);
    expect(estimateSize(42)).toBe(0);
  });
});
