import { describe, expect, it } from 'vitest';
import {
  GovcError,
  createFaultPlan,
  createInProcessTransport,
  govcMethods,
  type AnyHandler,
  type HandlerContext,
} from '../../src/index.js';

const health = govcMethods.Health;
const download = govcMethods.DownloadBlob;
const upload = govcMethods.UploadBlob;

function handlerOf(methods: Record<string, (request: never, context: HandlerContext) => unknown>): AnyHandler {
  return methods;
}

describe('in-process transport', () => {
  it('calls the handler with the headers and caller, and returns its response', async () => {
    let seen: HandlerContext | undefined;
    const transport = createInProcessTransport(
      handlerOf({
        async Health(_request, context) {
          seen = context;
          return { status: 'SERVING', version: '1' };
        },
      }),
      { caller: 'alice' },
    );
    expect(await transport.unary(health, {}, { headers: { 'x-a': '1' } })).toEqual({ status: 'SERVING', version: '1' });
    expect(seen).toMatchObject({ headers: { 'x-a': '1' }, caller: 'alice', deadline: undefined, signal: undefined });
  });

  it('answers unimplemented for a method the handler lacks, and internal for a non-GovcError throw', async () => {
    const transport = createInProcessTransport(
      handlerOf({
        Health() {
          throw new TypeError('boom');
        },
      }),
    );
    await expect(transport.unary(govcMethods.GetRepository, { repo: 'x' })).rejects.toMatchObject({ code: 'unimplemented' });
    const error = await transport.unary(health, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GovcError);
    expect(error).toMatchObject({ code: 'internal', rawMessage: 'internal error' });
    expect((error as GovcError).cause).toBeInstanceOf(TypeError);
  });

  it('gives the handler a signal that aborts when the caller cancels', async () => {
    let handlerSignal: AbortSignal | undefined;
    const transport = createInProcessTransport(
      handlerOf({
        Health(_request, context) {
          handlerSignal = context.signal;
          return new Promise(() => undefined);
        },
      }),
    );
    const controller = new AbortController();
    const call = transport.unary(health, {}, { signal: controller.signal });
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'canceled' });
    expect(handlerSignal?.aborted).toBe(true);
  });

  it('pulls a server stream only as the consumer reads, and stops the handler when the consumer leaves', async () => {
    let produced = 0;
    let finished = false;
    const transport = createInProcessTransport(
      handlerOf({
        async *DownloadBlob() {
          try {
            for (;;) {
              produced++;
              yield { data: new Uint8Array(1) };
            }
          } finally {
            finished = true;
          }
        },
      }),
    );
    let read = 0;
    for await (const _ of transport.serverStream(download, {})) if (++read === 3) break;
    expect(produced).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(finished).toBe(true);
  });

  it('hands a client stream to the handler as an iterable', async () => {
    const transport = createInProcessTransport(
      handlerOf({
        async UploadBlob(requests: AsyncIterable<{ data?: Uint8Array }>) {
          let size = 0;
          for await (const message of requests) size += message.data?.byteLength ?? 0;
          return { hash: 'x', size };
        },
      }),
    );
    async function* messages() {
      yield { repo: 'r' };
      yield { data: new Uint8Array(3) };
      yield { data: new Uint8Array(4) };
    }
    expect(await transport.clientStream(upload, messages())).toEqual({ hash: 'x', size: 7 });
  });

  it('waits for in-flight calls on close, then refuses new ones', async () => {
    let release!: () => void;
    const transport = createInProcessTransport(
      handlerOf({ Health: () => new Promise<object>((resolve) => (release = () => resolve({ status: 'ok', version: '1' }))) }),
    );
    const call = transport.unary(health, {});
    let closed = false;
    const closing = transport.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(false);
    release();
    await closing;
    await expect(call).resolves.toMatchObject({ status: 'ok' });
    await expect(transport.unary(health, {})).rejects.toMatchObject({ code: 'unavailable' });
  });
});

describe('close', () => {
  it('settles every close() called while calls run, and a later one too', async () => {
    let release!: () => void;
    const transport = createInProcessTransport(
      handlerOf({ Health: () => new Promise<object>((resolve) => (release = () => resolve({ status: 'ok', version: '1' }))) }),
    );
    const call = transport.unary(health, {});
    const first = transport.close();
    const second = transport.close();
    release();
    await expect(call).resolves.toMatchObject({ status: 'ok' });
    await within(1_000, 'both closes', Promise.all([first, second]));
    await within(1_000, 'a close after the first', transport.close());
  });

  it('waits for a stream the consumer is still reading', async () => {
    const transport = createInProcessTransport(
      handlerOf({
        async *DownloadBlob() {
          for (let chunk = 0; chunk < 3; chunk++) yield { data: new Uint8Array(1) };
        },
      }),
    );
    const stream = transport.serverStream(download, {})[Symbol.asyncIterator]();
    await stream.next();
    let closed = false;
    const closing = transport.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(false);
    for (let next = await stream.next(); !next.done; next = await stream.next());
    await within(1_000, 'close after the stream', closing);
  });
});

function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('fault plan', () => {
  it('fails, loses and delays the calls it names, and counts them', async () => {
    let runs = 0;
    const faults = createFaultPlan();
    const transport = createInProcessTransport(
      handlerOf({
        async Health() {
          runs++;
          return { status: 'ok', version: '1' };
        },
      }),
      { faults },
    );
    faults.failNext(2, { code: 'resource_exhausted', method: 'Health', retryAfterMs: 50 });
    await expect(transport.unary(health, {})).rejects.toMatchObject({ code: 'resource_exhausted', retryAfterMs: 50 });
    await expect(transport.unary(health, {})).rejects.toMatchObject({ code: 'resource_exhausted' });
    expect(runs).toBe(0);
    faults.loseNextResponses(1);
    await expect(transport.unary(health, {})).rejects.toMatchObject({ code: 'unavailable' });
    expect(runs).toBe(1);
    faults.failNext(1, { method: 'Other' });
    await transport.unary(health, {});
    expect(runs).toBe(2);
    faults.delayNext(1, 5_000);
    await expect(transport.unary(health, {}, { deadline: Date.now() + 30 })).rejects.toMatchObject({ code: 'deadline_exceeded' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(runs).toBe(2);
    expect(faults.stats).toEqual({ failed: 2, lost: 1, abandoned: 1 });
  });
});
