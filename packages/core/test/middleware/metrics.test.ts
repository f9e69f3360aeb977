import { describe, expect, it, vi } from 'vitest';
import { GovcError } from '../../src/errors/govc-error.js';
import { metrics, type CallEndInfo, type MetricsHook } from '../../src/middleware/metrics.js';
import type { Call, Next, Reply } from '../../src/middleware/middleware.js';
import { govcMethods } from '../../src/schema/methods.js';
import { deferred, streamCall, unaryCall } from './fixtures.js';

const { GetBlob, WatchRefs, UploadBlob } = govcMethods;

/** A hook that records every end, with a context naming the call's method. */
function recorder() {
  const ends: CallEndInfo<string>[] = [];
  const hook: MetricsHook<string> = {
    onStart: (call) => `ctx:${call.method.name}`,
    onEnd: (info) => void ends.push(info),
  };
  return { ends, hook };
}

/** A clock the test moves by hand. */
function manualClock() {
  const state = { now: 0 };
  return { state, now: (): number => state.now };
}

async function* messages(items: unknown[], error?: unknown): AsyncGenerator<unknown> {
  yield* items;
  if (error !== undefined) throw error;
}

function streamReplying(response: AsyncIterable<unknown>): Next {
  return () => Promise.resolve({ stream: true, response });
}

describe('metrics', () => {
  it('reports a unary call when its promise settles, with the onStart context', async () => {
    const { ends, hook } = recorder();
    const clock = manualClock();
    const reply = deferred<Reply>();
    const call = unaryCall(GetBlob, {});
    const result = metrics(hook, { now: clock.now })(() => reply.promise)(call);
    clock.state.now = 42;
    expect(ends).toHaveLength(0);
    reply.resolve({ stream: false, response: 'r' });
    await expect(result).resolves.toEqual({ stream: false, response: 'r' });
    expect(ends).toEqual([{ method: GetBlob, stream: false, code: 'ok', durationMs: 42, context: 'ctx:GetBlob' }]);
  });

  it('reports the error code of a failed call and rethrows the very same error', async () => {
    const { ends, hook } = recorder();
    const failure = new GovcError('not_found', 'no blob');
    await expect(metrics(hook)(() => Promise.reject(failure))(unaryCall(GetBlob, {}))).rejects.toBe(failure);
    const plain = new Error('boom');
    await expect(metrics(hook)(() => Promise.reject(plain))(unaryCall(GetBlob, {}))).rejects.toBe(plain);
    expect(ends.map((end) => end.code)).toEqual(['not_found', 'unknown']);
    expect(ends[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a synchronous throw from next as a rejection', async () => {
    const { ends, hook } = recorder();
    const next: Next = () => {
      throw new GovcError('unavailable', 'closed');
    };
    await expect(metrics(hook)(next)(unaryCall(GetBlob, {}))).rejects.toMatchObject({ code: 'unavailable' });
    expect(ends.map((end) => end.code)).toEqual(['unavailable']);
  });

  it('reports a response stream when it finishes, not when the reply arrives', async () => {
    const { ends, hook } = recorder();
    const clock = manualClock();
    const reply = await metrics(hook, { now: clock.now })(streamReplying(messages([1, 2])))(streamCall(WatchRefs, {}));
    expect(ends).toHaveLength(0);
    const seen: unknown[] = [];
    for await (const message of reply.response as AsyncIterable<unknown>) {
      seen.push(message);
      clock.state.now += 10;
    }
    expect(seen).toEqual([1, 2]);
    expect(ends).toEqual([{ method: WatchRefs, stream: true, code: 'ok', durationMs: 20, context: 'ctx:WatchRefs' }]);
  });

  it('reports a response stream that throws with the error’s code, and rethrows it', async () => {
    const { ends, hook } = recorder();
    const failure = new GovcError('data_loss', 'torn');
    const reply = await metrics(hook)(streamReplying(messages([1], failure)))(streamCall(WatchRefs, {}));
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const message of reply.response as AsyncIterable<unknown>) seen.push(message);
    })().catch((e: unknown) => e);
    expect(error).toBe(failure);
    expect(seen).toEqual([1]);
    expect(ends.map((end) => end.code)).toEqual(['data_loss']);
  });

  it('reports a response stream returned early as canceled, and closes the inner stream', async () => {
    const { ends, hook } = recorder();
    const finished = vi.fn();
    async function* endless(): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        finished();
      }
    }
    const reply = await metrics(hook)(streamReplying(endless()))(streamCall(WatchRefs, {}));
    for await (const message of reply.response as AsyncIterable<number>) if (message === 2) break;
    expect(ends.map((end) => end.code)).toEqual(['canceled']);
    expect(finished).toHaveBeenCalledTimes(1);
  });

  it('reports a stream whose reply fails before any message', async () => {
    const { ends, hook } = recorder();
    await expect(
      metrics(hook)(() => Promise.reject(new GovcError('unauthenticated', 'who?')))(streamCall(WatchRefs, {})),
    ).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    expect(ends.map((end) => [end.stream, end.code])).toEqual([[true, 'unauthenticated']]);
  });

  it('reports a client stream when its one response arrives', async () => {
    const { ends, hook } = recorder();
    const reply: Reply = { stream: true, response: { hash: 'h', size: 1 } };
    const call: Call = streamCall(UploadBlob, messages([]));
    await expect(metrics(hook)(() => Promise.resolve(reply))(call)).resolves.toBe(reply);
    expect(ends.map((end) => [end.method.name, end.stream, end.code])).toEqual([['UploadBlob', true, 'ok']]);
  });

  it('works without onStart: the context is undefined', async () => {
    const onEnd = vi.fn();
    await metrics({ onEnd })(() => Promise.resolve({ stream: false, response: 1 }))(unaryCall(GetBlob, {}));
    expect(onEnd).toHaveBeenCalledWith(expect.objectContaining({ code: 'ok', context: undefined }));
  });

  it('never lets the hook break a call', async () => {
    const throwing: MetricsHook = {
      onStart: () => {
        throw new Error('bad start');
      },
      onEnd: () => {
        throw new Error('bad end');
      },
    };
    const ok: Reply = { stream: false, response: 'fine' };
    await expect(metrics(throwing)(() => Promise.resolve(ok))(unaryCall(GetBlob, {}))).resolves.toBe(ok);
    const failure = new GovcError('aborted', 'conflict');
    await expect(metrics(throwing)(() => Promise.reject(failure))(unaryCall(GetBlob, {}))).rejects.toBe(failure);
    const reply = await metrics(throwing)(streamReplying(messages([1, 2])))(streamCall(WatchRefs, {}));
    const seen: unknown[] = [];
    for await (const message of reply.response as AsyncIterable<unknown>) seen.push(message);
    expect(seen).toEqual([1, 2]);

    // An async onEnd that rejects must not leave an unhandled rejection behind.
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const asyncEnd: MetricsHook = {
        onEnd: async () => {
          throw new Error('async end');
        },
      };
      await metrics(asyncEnd)(() => Promise.resolve(ok))(unaryCall(GetBlob, {}));
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('gives the context onStart returned to onEnd, once per call', async () => {
    let started = 0;
    const onEnd = vi.fn();
    const hook: MetricsHook<{ span: number }> = { onStart: () => ({ span: ++started }), onEnd };
    const chain = metrics(hook)(() => Promise.resolve({ stream: false, response: null }));
    await chain(unaryCall(GetBlob, {}));
    await chain(unaryCall(GetBlob, {}));
    expect(onEnd.mock.calls.map(([info]) => (info as CallEndInfo<{ span: number }>).context)).toEqual([{ span: 1 }, { span: 2 }]);
  });
});
