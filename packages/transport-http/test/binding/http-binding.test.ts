import { connect } from 'node:http2';
import { gzipSync } from 'node:zlib';
import { createFaultPlan, type AnyHandler } from '@govc/core';
import { withFaults } from '@govc/core/protocol';
import { createGovcService } from '@govc/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpBinding } from '../../src/index.js';
import { EnvelopeReader, encodeEnvelope, envelopeFlags } from '@govc/core/protocol';
import { serveBinding, type BindingServer } from '../fixtures/binding-server.js';

const hello = 'ce013625030ba8dba906f756967f9e9ca394464a';
const json = { 'content-type': 'application/json' };

let server: BindingServer;
const faults = createFaultPlan();

async function post(path: string, body: BodyInit, headers: Record<string, string> = json): Promise<Response> {
  return fetch(`${server.http1Url}${path}`, { method: 'POST', body, headers });
}

beforeAll(async () => {
  const service = createGovcService();
  server = await serveBinding(
    createHttpBinding(withFaults(service as unknown as AnyHandler, faults), {
      maxMessageBytes: 1024 * 1024,
      maxInflatedBytes: 2 * 1024 * 1024,
    }),
  );
  await post('/v1/CreateRepository', JSON.stringify({ repo: 'r' }));
  await post('/v1/repos/r/blobs', 'hello\n', { 'content-type': 'application/octet-stream' });
});
afterAll(async () => {
  await server[Symbol.asyncDispose]();
});

describe('plain HTTP binding: unary', () => {
  it('answers JSON with base64 bytes, and MessagePack when asked', async () => {
    const response = await post('/v1/GetBlob', JSON.stringify({ repo: 'r', hash: hello }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ hash: hello, size: 6, content: Buffer.from('hello\n').toString('base64') });
    const packed = await post('/v1/Health', '{}', { ...json, accept: 'application/msgpack' });
    expect(packed.headers.get('content-type')).toBe('application/msgpack');
  });

  it('maps errors to status and a JSON {code, message} body', async () => {
    const missing = await post('/v1/GetRepository', JSON.stringify({ repo: 'nope' }));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'not_found' });
    const malformed = await post('/v1/GetRepository', '{"repo":');
    expect([malformed.status, (await malformed.json()).code]).toEqual([400, 'invalid_argument']);
    const wrongType = await post('/v1/GetRepository', 'repo=r', { 'content-type': 'application/x-www-form-urlencoded' });
    expect([wrongType.status, (await wrongType.json()).code]).toEqual([400, 'invalid_argument']);
    const unknown = await post('/v1/NoSuchMethod', '{}');
    expect([unknown.status, (await unknown.json()).code]).toEqual([501, 'unimplemented']);
    const get = await fetch(`${server.http1Url}/v1/Health`);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('carries pushback on resource_exhausted', async () => {
    faults.failNext(1, { code: 'resource_exhausted', method: 'Health', retryAfterMs: 1500 });
    const response = await post('/v1/Health', '{}');
    expect(response.status).toBe(429);
    expect(response.headers.get('govc-retry-after-ms')).toBe('1500');
    expect(response.headers.get('retry-after')).toBe('2');
  });

  it('refuses oversize bodies and gzip bombs with resource_exhausted, and inflates honest gzip', async () => {
    const big = await post('/v1/StoreBlob', JSON.stringify({ repo: 'r', content: Buffer.alloc(900 * 1024).toString('base64') }));
    expect([big.status, (await big.json()).code]).toEqual([429, 'resource_exhausted']);
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    const bombed = await post('/v1/Health', bomb, { ...json, 'content-encoding': 'gzip' });
    expect([bombed.status, (await bombed.json()).code]).toEqual([429, 'resource_exhausted']);
    const honest = await post('/v1/GetRepository', gzipSync(JSON.stringify({ repo: 'r' })), { ...json, 'content-encoding': 'gzip' });
    expect(honest.status).toBe(200);
    const notGzip = await post('/v1/Health', 'plain', { ...json, 'content-encoding': 'gzip' });
    expect(notGzip.status).toBe(400);
  });

  it('enforces the deadline header on the server and stops the work', async () => {
    faults.delayNext(1, 3000, { method: 'CreateRepository' });
    const started = Date.now();
    const response = await post('/v1/CreateRepository', JSON.stringify({ repo: 'late' }), { ...json, 'govc-timeout-ms': '100' });
    expect([response.status, (await response.json()).code]).toEqual([504, 'deadline_exceeded']);
    expect(Date.now() - started).toBeLessThan(2000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await post('/v1/GetRepository', JSON.stringify({ repo: 'late' }))).status).toBe(404);
    const bad = await post('/v1/Health', '{}', { ...json, 'govc-timeout-ms': 'soon' });
    expect(bad.status).toBe(400);
  });
});

describe('plain HTTP binding: raw blob routes', () => {
  const url = () => `${server.http1Url}/v1/repos/r/blobs/${hello}`;

  it('serves bytes with a strong ETag, immutable caching, ranges, HEAD and 304', async () => {
    const whole = await fetch(url());
    expect(whole.status).toBe(200);
    expect(whole.headers.get('etag')).toBe(`"${hello}"`);
    expect(whole.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await whole.text()).toBe('hello\n');
    const part = await fetch(url(), { headers: { range: 'bytes=1-3' } });
    expect([part.status, part.headers.get('content-range'), await part.text()]).toEqual([206, 'bytes 1-3/6', 'ell']);
    const suffix = await fetch(url(), { headers: { range: 'bytes=-2' } });
    expect(await suffix.text()).toBe('o\n');
    const past = await fetch(url(), { headers: { range: 'bytes=6-' } });
    expect([past.status, past.headers.get('content-range')]).toEqual([416, 'bytes */6']);
    const head = await fetch(url(), { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([200, '6', '']);
    const cached = await fetch(url(), { headers: { 'if-none-match': `"${hello}"` } });
    expect(cached.status).toBe(304);
  });

  it('streams an upload in, and answers errors as JSON', async () => {
    const bytes = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    const uploaded = await post('/v1/repos/r/blobs', bytes, { 'content-type': 'application/octet-stream' });
    const { hash, size } = (await uploaded.json()) as { hash: string; size: number };
    expect(size).toBe(bytes.byteLength);
    const back = new Uint8Array(await (await fetch(`${server.http1Url}/v1/repos/r/blobs/${hash}`)).arrayBuffer());
    expect(Buffer.compare(back, bytes)).toBe(0);
    const missing = await fetch(`${server.http1Url}/v1/repos/r/blobs/${'a'.repeat(40)}`);
    expect([missing.status, (await missing.json()).code]).toEqual([404, 'not_found']);
    const badRepo = await fetch(`${server.http1Url}/v1/repos/..%2Fx/blobs/${hello}`);
    expect([badRepo.status, (await badRepo.json()).code]).toEqual([400, 'invalid_argument']);
  });
});

describe('plain HTTP binding: streams over HTTP/2', () => {
  it('frames a server stream in envelopes and ends it with an end-of-stream envelope', async () => {
    const session = connect(server.http2Url);
    try {
      const stream = session.request({ ':method': 'POST', ':path': '/v1/DownloadBlob', 'content-type': 'application/govc-stream+json' });
      stream.end(encodeEnvelope(0, new TextEncoder().encode(JSON.stringify({ repo: 'r', hash: hello }))));
      const reader = new EnvelopeReader(1 << 20);
      const envelopes = [];
      for await (const chunk of stream) envelopes.push(...reader.push(chunk as Buffer));
      expect(envelopes.map((e) => e.flags)).toEqual([0, envelopeFlags.endStream]);
      expect(JSON.parse(Buffer.from(envelopes[0]!.payload).toString())).toEqual({
        data: Buffer.from('hello\n').toString('base64'),
        size: 6,
      });
      expect(Buffer.from(envelopes[1]!.payload).toString()).toBe('{}');
    } finally {
      session.close();
    }
  });
});
