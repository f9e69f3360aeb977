import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { govcMethods, jsonCodec, msgpackCodec } from '@govc/core';
import { createHttpTransport, type HttpTransportOptions } from '../../src/index.js';
import { failure, readAll, sleep, startServer, until, type TestExchange } from './fixtures.js';

const { Health, StoreBlob, GetBlob } = govcMethods;
const health = { status: 'SERVING', version: '1.2.3' };

function answer(exchange: TestExchange, body: Uint8Array, headers: Record<string, string> = {}): void {
  exchange.respond(200, { 'content-type': 'application/msgpack', ...headers });
  exchange.end(body);
}

describe.each(['1.1', '2'] as const)('unary over HTTP/%s', (httpVersion) => {
  const transportFor = (url: string, options: Partial<HttpTransportOptions> = {}) =>
    createHttpTransport({ baseUrl: url, httpVersion, ...options });

  it('posts the codec-encoded request to /v1/<Method> with the call headers and decodes the answer', async () => {
    const seen: TestExchange[] = [];
    const bodies: Buffer[] = [];
    await using server = await startServer(httpVersion, async (exchange) => {
      seen.push(exchange);
      bodies.push(await readAll(exchange.body));
      answer(exchange, msgpackCodec.encode(Health.output, health));
    });
    const transport = transportFor(`${server.url}/prefix/`);
    const reply = await transport.unary(Health, {}, { headers: { authorization: 'Bearer t', 'idempotency-key': 'k1' } });
    expect(reply).toEqual(health);
    const [exchange] = seen;
    expect(exchange!.path).toBe('/prefix/v1/Health');
    expect(exchange!.headers).toMatchObject({ 'content-type': 'application/msgpack', authorization: 'Bearer t', 'idempotency-key': 'k1' });
    // Without compression the client neither sends nor asks for gzip.
    expect(exchange!.headers['accept-encoding']).toBeUndefined();
    expect(exchange!.headers['govc-timeout-ms']).toBeUndefined();
    expect(msgpackCodec.decode(Health.input, bodies[0]!)).toEqual({});
    await transport.close();
  });

  it('sends govc-timeout-ms from the deadline, relative and rounded up', async () => {
    let timeout: string | undefined;
    await using server = await startServer(httpVersion, async (exchange) => {
      timeout = exchange.headers['govc-timeout-ms'] as string;
      await readAll(exchange.body);
      answer(exchange, msgpackCodec.encode(Health.output, health));
    });
    const transport = transportFor(server.url);
    await transport.unary(Health, {}, { deadline: Date.now() + 5000 });
    expect(Number(timeout)).toBeGreaterThan(4000);
    expect(Number(timeout)).toBeLessThanOrEqual(5000);
    expect(timeout).toMatch(/^\d{1,10}$/);
    await transport.close();
  });

  it('decodes the response by its content-type, whatever the request codec', async () => {
    await using server = await startServer(httpVersion, async (exchange) => {
      await readAll(exchange.body);
      exchange.respond(200, { 'content-type': 'application/json; charset=utf-8' });
      exchange.end(jsonCodec.encode(GetBlob.output, { hash: 'a'.repeat(40), size: 3, content: new Uint8Array([1, 2, 3]) }));
    });
    const transport = transportFor(server.url, { codec: msgpackCodec });
    const blob = (await transport.unary(GetBlob, { repo: 'r', hash: 'a'.repeat(40) })) as { content: Uint8Array };
    expect([...blob.content]).toEqual([1, 2, 3]);
    await transport.close();
  });

  it('maps error bodies to their code, falls back to the status, and passes govc-retry-after-ms on', async () => {
    const answers = [
      { status: 404, type: 'application/json', body: '{"code":"not_found","message":"no such repo"}', headers: {} },
      {
        status: 429,
        type: 'application/json',
        body: '{"code":"resource_exhausted","message":"slow down"}',
        headers: { 'govc-retry-after-ms': '250' },
      },
      { status: 502, type: 'text/html', body: '<h1>Bad gateway</h1>', headers: {} },
      { status: 400, type: 'application/json', body: '{"code":"no_such_code"}', headers: {} },
      { status: 500, type: 'application/json', body: '{"code":"not_found"', headers: {} },
    ];
    let next = 0;
    await using server = await startServer(httpVersion, async (exchange) => {
      await readAll(exchange.body);
      const { status, type, body, headers } = answers[next++]!;
      exchange.respond(status, { 'content-type': type, ...headers });
      exchange.end(Buffer.from(body));
    });
    const transport = transportFor(server.url);
    const notFound = await failure(transport.unary(Health, {}));
    expect([notFound.code, notFound.rawMessage]).toEqual(['not_found', 'no such repo']);
    const exhausted = await failure(transport.unary(Health, {}));
    expect([exhausted.code, exhausted.retryAfterMs]).toEqual(['resource_exhausted', 250]);
    expect((await failure(transport.unary(Health, {}))).code).toBe('unavailable');
    expect((await failure(transport.unary(Health, {}))).code).toBe('invalid_argument');
    expect((await failure(transport.unary(Health, {}))).code).toBe('unknown');
    await transport.close();
  });

  it('gzips requests over the threshold, asks for gzip, and inflates gzip responses', async () => {
    const received: { encoding: string | undefined; accept: string | undefined; body: Buffer }[] = [];
    await using server = await startServer(httpVersion, async (exchange) => {
      received.push({
        encoding: exchange.headers['content-encoding'] as string | undefined,
        accept: exchange.headers['accept-encoding'] as string | undefined,
        body: await readAll(exchange.body),
      });
      const reply = msgpackCodec.encode(StoreBlob.output, { hash: 'b'.repeat(40), size: 2000 });
      answer(exchange, gzipSync(reply), { 'content-encoding': 'gzip' });
    });
    const transport = transportFor(server.url, { compression: 'gzip', compressionThreshold: 1000 });
    const big = new Uint8Array(2000).fill(7);
    expect(await transport.unary(StoreBlob, { repo: 'r', content: big })).toEqual({ hash: 'b'.repeat(40), size: 2000 });
    await transport.unary(StoreBlob, { repo: 'r', content: new Uint8Array(10) });
    expect(received[0]!.encoding).toBe('gzip');
    expect(received[0]!.accept).toBe('gzip');
    const sent = msgpackCodec.decode(StoreBlob.input, gunzipSync(received[0]!.body)) as { repo: string; content: Uint8Array };
    expect(sent.repo).toBe('r');
    expect(new Uint8Array(sent.content)).toEqual(big);
    expect(received[1]!.encoding).toBeUndefined();
    await transport.close();
  });

  it('refuses a response over maxMessageBytes, before and after inflating', async () => {
    let next = 0;
    await using server = await startServer(httpVersion, async (exchange) => {
      await readAll(exchange.body);
      const content = new Uint8Array(10_000);
      const reply = msgpackCodec.encode(GetBlob.output, { hash: 'c'.repeat(40), size: content.byteLength, content });
      if (next++ === 0) answer(exchange, reply);
      else answer(exchange, gzipSync(reply), { 'content-encoding': 'gzip' });
    });
    const transport = transportFor(server.url, { maxMessageBytes: 5000 });
    expect((await failure(transport.unary(GetBlob, { repo: 'r', hash: 'c'.repeat(40) }))).code).toBe('resource_exhausted');
    expect((await failure(transport.unary(GetBlob, { repo: 'r', hash: 'c'.repeat(40) }))).code).toBe('resource_exhausted');
    await transport.close();
  });

  it('answers a malformed success body with internal, not invalid_argument', async () => {
    await using server = await startServer(httpVersion, async (exchange) => {
      await readAll(exchange.body);
      answer(exchange, Buffer.from([0xc1]));
    });
    const transport = transportFor(server.url);
    expect((await failure(transport.unary(Health, {}))).code).toBe('internal');
    await transport.close();
  });

  it('fails deadline_exceeded at the deadline and resets the request', async () => {
    const aborted: Promise<number | undefined>[] = [];
    await using server = await startServer(httpVersion, (exchange) => {
      aborted.push(exchange.aborted);
    });
    const transport = transportFor(server.url);
    const started = Date.now();
    expect((await failure(transport.unary(Health, {}, { deadline: Date.now() + 100 }))).code).toBe('deadline_exceeded');
    expect(Date.now() - started).toBeLessThan(1000);
    await until(() => aborted.length === 1);
    const code = await aborted[0];
    if (httpVersion === '2') expect(code).toBe(8); // RST_STREAM CANCEL
    await transport.close();
  });

  it('fails at once, sending nothing, when the deadline passed or the signal aborted', async () => {
    let requests = 0;
    await using server = await startServer(httpVersion, () => {
      requests++;
    });
    const transport = transportFor(server.url);
    expect((await failure(transport.unary(Health, {}, { deadline: Date.now() - 1 }))).code).toBe('deadline_exceeded');
    expect((await failure(transport.unary(Health, {}, { signal: AbortSignal.abort() }))).code).toBe('canceled');
    await sleep(20);
    expect(requests).toBe(0);
    await transport.close();
  });

  it('cancels when the caller aborts, resetting the request on the wire', async () => {
    const aborted: Promise<number | undefined>[] = [];
    await using server = await startServer(httpVersion, (exchange) => {
      aborted.push(exchange.aborted);
    });
    const transport = transportFor(server.url);
    const controller = new AbortController();
    const call = transport.unary(Health, {}, { signal: controller.signal });
    await until(() => aborted.length === 1);
    controller.abort();
    expect((await failure(call)).code).toBe('canceled');
    const code = await aborted[0];
    if (httpVersion === '2') expect(code).toBe(8);
    await transport.close();
  });

  it('reports a refused connection as unavailable', async () => {
    let url: string;
    {
      await using server = await startServer(httpVersion, () => undefined);
      url = server.url;
    }
    const transport = transportFor(url);
    expect((await failure(transport.unary(Health, {}))).code).toBe('unavailable');
    expect((await failure(transport.warmup())).code).toBe('unavailable');
    await transport.close();
  });

  it('lets calls made before close finish though they had not reached the wire yet', async () => {
    await using server = await startServer(httpVersion, async (exchange) => {
      await readAll(exchange.body);
      answer(exchange, msgpackCodec.encode(Health.output, health));
    });
    // Compressing every body puts an await before the request is sent; the connection is not open yet either.
    const transport = transportFor(server.url, { compression: 'gzip', compressionThreshold: 0 });
    const warmup = transport.warmup();
    const call = transport.unary(Health, {});
    await transport.close();
    await warmup;
    expect(await call).toEqual(health);
  });

  it('lets in-flight calls finish on close, then refuses calls with unavailable', async () => {
    const pending: TestExchange[] = [];
    await using server = await startServer(httpVersion, async (exchange) => {
      await readAll(exchange.body);
      pending.push(exchange);
    });
    const transport = transportFor(server.url);
    const inFlight = transport.unary(Health, {});
    await until(() => pending.length === 1);
    const closed = transport.close();
    expect((await failure(transport.unary(Health, {}))).code).toBe('unavailable');
    answer(pending[0]!, msgpackCodec.encode(Health.output, health));
    expect(await inFlight).toEqual(health);
    await closed;
    await transport.close();
  });
});
