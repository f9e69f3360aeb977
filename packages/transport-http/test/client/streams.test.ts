import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GovcError, govcMethods, msgpackCodec } from '@govc/core';
import { conformanceMethods } from '@govc/core/conformance';
import { createHttpTransport, type HttpTransportOptions } from '../../src/index.js';
import { envelopeFlags } from '@govc/core/protocol';
import { endFrame, failure, messageFrame, readAll, readEnvelopes, sleep, startServer, until, type TestExchange } from './fixtures.js';

const { DownloadBlob, UploadBlob } = govcMethods;
const { EchoBidi } = conformanceMethods;
const streamType = 'application/govc-stream+msgpack';

function chunkFrame(data: Uint8Array): Uint8Array {
  return messageFrame(msgpackCodec.encode(DownloadBlob.output, { data }));
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

describe.each(['1.1', '2'] as const)('streams over HTTP/%s', (httpVersion) => {
  const transportFor = (url: string, options: Partial<HttpTransportOptions> = {}) =>
    createHttpTransport({ baseUrl: url, httpVersion, ...options });

  it('sends a server stream request as exactly one envelope and yields each message', async () => {
    const requests: Uint8Array[][] = [];
    const types: unknown[] = [];
    await using server = await startServer(httpVersion, async (exchange) => {
      types.push(exchange.headers['content-type']);
      const frames: Uint8Array[] = [];
      for await (const envelope of readEnvelopes(exchange.body)) frames.push(envelope.payload);
      requests.push(frames);
      exchange.respond(200, { 'content-type': streamType });
      for (const byte of [1, 2, 3]) await exchange.write(chunkFrame(new Uint8Array([byte])));
      exchange.end(endFrame());
    });
    const transport = transportFor(server.url);
    const chunks = (await collect(transport.serverStream(DownloadBlob, { repo: 'r', hash: 'a'.repeat(40) }))) as { data: Uint8Array }[];
    expect(chunks.map((chunk) => [...chunk.data])).toEqual([[1], [2], [3]]);
    expect(types).toEqual([streamType]);
    expect(requests[0]).toHaveLength(1);
    expect(msgpackCodec.decode(DownloadBlob.input, requests[0]![0]!)).toEqual({ repo: 'r', hash: 'a'.repeat(40) });
    await transport.close();
  });

  it('throws the end-of-stream error after the messages before it', async () => {
    await using server = await startServer(httpVersion, async (exchange) => {
      await readAll(exchange.body);
      exchange.respond(200, { 'content-type': streamType });
      await exchange.write(chunkFrame(new Uint8Array([9])));
      exchange.end(endFrame(new GovcError('permission_denied', 'not yours')));
    });
    const transport = transportFor(server.url);
    const received: unknown[] = [];
    const error = await failure(async () => {
      for await (const message of transport.serverStream(DownloadBlob, { repo: 'r', hash: 'a'.repeat(40) })) received.push(message);
    });
    expect([error.code, error.rawMessage]).toEqual(['permission_denied', 'not yours']);
    expect(received).toHaveLength(1);
    await transport.close();
  });

  it('fails unavailable when the body ends without an end-of-stream envelope, and takes plain error responses', async () => {
    let next = 0;
    await using server = await startServer(httpVersion, async (exchange) => {
      await readAll(exchange.body);
      if (next++ === 0) {
        exchange.respond(200, { 'content-type': streamType });
        exchange.end(chunkFrame(new Uint8Array([1])));
      } else {
        exchange.respond(404, { 'content-type': 'application/json' });
        exchange.end(Buffer.from('{"code":"not_found","message":"no blob"}'));
      }
    });
    const transport = transportFor(server.url);
    expect((await failure(collect(transport.serverStream(DownloadBlob, { repo: 'r', hash: 'a'.repeat(40) })))).code).toBe('unavailable');
    const notFound = await failure(collect(transport.serverStream(DownloadBlob, { repo: 'r', hash: 'a'.repeat(40) })));
    expect([notFound.code, notFound.rawMessage]).toEqual(['not_found', 'no blob']);
    await transport.close();
  });

  it.each([0x04, 0x80, 0x03 | 0x40])('fails internal on a response envelope with unknown flag bits (flags byte %i)', async (flags) => {
    await using server = await startServer(httpVersion, async (exchange) => {
      await readAll(exchange.body);
      exchange.respond(200, { 'content-type': streamType });
      const frame = chunkFrame(new Uint8Array([1]));
      frame[0] = flags & ~envelopeFlags.compressed; // never claim gzip for a plain payload
      await exchange.write(frame);
      exchange.end(endFrame());
    });
    const transport = transportFor(server.url);
    const error = await failure(collect(transport.serverStream(DownloadBlob, { repo: 'r', hash: 'a'.repeat(40) })));
    expect([error.code, error.rawMessage]).toEqual([
      'internal',
      `unknown response envelope flags 0x${(flags & ~envelopeFlags.compressed).toString(16)}`,
    ]);
    await transport.close();
  });

  it('streams a client stream as envelopes and takes its one answer', async () => {
    const seen: unknown[] = [];
    await using server = await startServer(httpVersion, async (exchange) => {
      for await (const envelope of readEnvelopes(exchange.body)) seen.push(msgpackCodec.decode(UploadBlob.input, envelope.payload));
      exchange.respond(200, { 'content-type': streamType });
      exchange.end(Buffer.concat([messageFrame(msgpackCodec.encode(UploadBlob.output, { hash: 'd'.repeat(40), size: 4 })), endFrame()]));
    });
    const transport = transportFor(server.url);
    async function* chunks() {
      yield { repo: 'r', size: 4 };
      yield { data: new Uint8Array([1, 2]) };
      yield { data: new Uint8Array([3, 4]) };
    }
    expect(await transport.clientStream(UploadBlob, chunks())).toEqual({ hash: 'd'.repeat(40), size: 4 });
    expect(seen).toHaveLength(3);
    await transport.close();
  });

  it('interleaves bidi messages: each reply arrives before the next request is sent', async () => {
    await using server = await startServer(httpVersion, async (exchange) => {
      exchange.respond(200, { 'content-type': streamType });
      for await (const envelope of readEnvelopes(exchange.body)) await exchange.write(messageFrame(envelope.payload));
      exchange.end(endFrame());
    });
    const transport = transportFor(server.url);
    const replies: string[] = [];
    let replied: () => void = () => undefined;
    async function* pingPong() {
      for (const text of ['a', 'b', 'c']) {
        const answered = new Promise<void>((resolve) => (replied = resolve));
        yield { text };
        await answered;
      }
    }
    for await (const reply of transport.bidi(EchoBidi, pingPong())) {
      replies.push((reply as { text: string }).text);
      replied();
    }
    expect(replies).toEqual(['a', 'b', 'c']);
    await transport.close();
  });

  it('compresses request envelopes over the threshold and inflates compressed responses', async () => {
    const flags: number[] = [];
    let accept: unknown;
    await using server = await startServer(httpVersion, async (exchange) => {
      accept = exchange.headers['accept-encoding'];
      exchange.respond(200, { 'content-type': streamType });
      for await (const envelope of readEnvelopes(exchange.body)) {
        flags.push(envelope.flags);
        const payload = envelope.flags & envelopeFlags.compressed ? gunzipSync(envelope.payload) : envelope.payload;
        await exchange.write(messageFrame(gzipSync(payload), envelopeFlags.compressed));
      }
      exchange.end(endFrame());
    });
    const transport = transportFor(server.url, { compression: 'gzip', compressionThreshold: 100 });
    async function* messages() {
      yield { text: 'x'.repeat(500) };
      yield { text: 'short' };
    }
    const replies = (await collect(transport.bidi(EchoBidi, messages()))) as { text: string }[];
    expect(replies.map((reply) => reply.text)).toEqual(['x'.repeat(500), 'short']);
    expect(flags).toEqual([envelopeFlags.compressed, 0]);
    expect(accept).toBe('gzip');
    await transport.close();
  });

  it('pulls request messages only as the connection takes them', async () => {
    let pulled = 0;
    const aborted: Promise<number | undefined>[] = [];
    await using server = await startServer(httpVersion, (exchange) => {
      // Never reads the body: only socket buffers and flow-control windows take bytes.
      aborted.push(exchange.aborted);
    });
    const transport = transportFor(server.url);
    const controller = new AbortController();
    const megabyte = new Uint8Array(1024 * 1024);
    async function* endless() {
      for (;;) {
        pulled++;
        yield { data: megabyte };
      }
    }
    const call = transport.clientStream(UploadBlob, endless(), { signal: controller.signal });
    await sleep(300);
    // An unbounded writer would have pulled hundreds of megabytes by now.
    expect(pulled).toBeLessThan(32);
    controller.abort();
    expect((await failure(call)).code).toBe('canceled');
    await transport.close();
  });

  it('reads no further ahead of a stopped reader than the flow-control window and socket buffers', async () => {
    const chunk = new Uint8Array(64 * 1024);
    let written = 0;
    await using server = await startServer(httpVersion, async (exchange) => {
      await readAll(exchange.body);
      exchange.respond(200, { 'content-type': streamType });
      const aborted = exchange.aborted.then(() => true);
      let gone = false;
      void aborted.then(() => (gone = true));
      // Up to 256 MiB, written only as fast as the transport drains.
      for (let i = 0; i < 4096 && !gone; i++) {
        await exchange.write(chunkFrame(chunk));
        written += chunk.byteLength;
      }
      exchange.end(endFrame());
    });
    const windowBytes = 256 * 1024;
    const transport = transportFor(server.url, { h2: { windowBytes: { stream: windowBytes } } });
    const controller = new AbortController();
    const stream = transport
      .serverStream(DownloadBlob, { repo: 'r', hash: 'a'.repeat(40) }, { signal: controller.signal })
      [Symbol.asyncIterator]();
    await stream.next();
    await sleep(300);
    const bound = httpVersion === '2' ? windowBytes + 4 * chunk.byteLength : 16 * 1024 * 1024;
    expect(written).toBeLessThanOrEqual(bound);
    controller.abort();
    expect((await failure(stream.next())).code).toBe('canceled');
    await transport.close();
  });

  it('cancels mid-stream: the caller sees canceled and the server sees the reset', async () => {
    const aborted: Promise<number | undefined>[] = [];
    await using server = await startServer(httpVersion, async (exchange) => {
      await readAll(exchange.body);
      aborted.push(exchange.aborted);
      exchange.respond(200, { 'content-type': streamType });
      await exchange.write(chunkFrame(new Uint8Array([1])));
    });
    const transport = transportFor(server.url);
    const controller = new AbortController();
    const stream = transport
      .serverStream(DownloadBlob, { repo: 'r', hash: 'a'.repeat(40) }, { signal: controller.signal })
      [Symbol.asyncIterator]();
    await stream.next();
    controller.abort();
    expect((await failure(stream.next())).code).toBe('canceled');
    await until(() => aborted.length === 1);
    const code = await aborted[0];
    if (httpVersion === '2') expect(code).toBe(8);
    await transport.close();
  });

  it('resets the request when the consumer stops reading early', async () => {
    const aborted: Promise<number | undefined>[] = [];
    await using server = await startServer(httpVersion, async (exchange) => {
      await readAll(exchange.body);
      aborted.push(exchange.aborted);
      exchange.respond(200, { 'content-type': streamType });
      await exchange.write(chunkFrame(new Uint8Array([1])));
    });
    const transport = transportFor(server.url);
    for await (const _ of transport.serverStream(DownloadBlob, { repo: 'r', hash: 'a'.repeat(40) })) break;
    await until(() => aborted.length === 1);
    const code = await aborted[0];
    if (httpVersion === '2') expect(code).toBe(8);
    await transport.close();
  });

  it('ends a stream at its deadline with deadline_exceeded', async () => {
    await using server = await startServer(httpVersion, async (exchange) => {
      await readAll(exchange.body);
      exchange.respond(200, { 'content-type': streamType });
      await exchange.write(chunkFrame(new Uint8Array([1])));
    });
    const transport = transportFor(server.url);
    const started = Date.now();
    const error = await failure(
      collect(transport.serverStream(DownloadBlob, { repo: 'r', hash: 'a'.repeat(40) }, { deadline: Date.now() + 100 })),
    );
    expect(error.code).toBe('deadline_exceeded');
    expect(Date.now() - started).toBeLessThan(1000);
    await transport.close();
  });

  it("fails with the caller's own error when its request stream throws", async () => {
    await using server = await startServer(httpVersion, async (exchange) => {
      exchange.respond(200, { 'content-type': streamType });
      for await (const envelope of readEnvelopes(exchange.body)) await exchange.write(messageFrame(envelope.payload));
      exchange.end(endFrame());
    });
    const transport = transportFor(server.url);
    async function* broken() {
      yield { repo: 'r' };
      await sleep(10);
      throw new GovcError('failed_precondition', 'the file changed while it was read');
    }
    const error = await failure(transport.clientStream(UploadBlob, broken()));
    expect([error.code, error.rawMessage]).toEqual(['failed_precondition', 'the file changed while it was read']);
    await transport.close();
  });
});

describe('a stream that is never iterated', () => {
  it('sends nothing', async () => {
    let requests = 0;
    await using server = await startServer('2', (exchange: TestExchange) => {
      requests++;
      exchange.end();
    });
    const transport = createHttpTransport({ baseUrl: server.url, httpVersion: '2' });
    transport.serverStream(DownloadBlob, { repo: 'r', hash: 'a'.repeat(40) });
    await sleep(20);
    expect(requests).toBe(0);
    await transport.close();
  });
});
