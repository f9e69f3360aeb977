import { gzipSync } from 'node:zlib';
import { StoreBlobRequest, msgpackCodec } from '@govc/core';
import { createGovcService } from '@govc/service';
import { createHttpBinding } from '@govc/transport-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { h1 } from '../fixtures/clients.js';
import { errorOf, h2Send, openH2Session, pause } from '../fixtures/hostile-wire.js';
import { startServer, type TestServer } from '../fixtures/test-server.js';

/** A StoreBlob body of `contentBytes` followed by one byte too many. */
function withTrailingByte(contentBytes: number): Uint8Array {
  const message = msgpackCodec.encode(StoreBlobRequest, { repo: 'demo', content: new Uint8Array(contentBytes) });
  const body = new Uint8Array(message.byteLength + 1);
  body.set(message);
  body[message.byteLength] = 0xc0;
  return body;
}

/**
 * Refusing a malformed body must cost no more than reading it: msgpackr's own trailing-bytes
 * error serialised the whole decoded value (seconds of CPU, the event loop blocked for every
 * other client). `/healthz` is asked every 50 ms while the body is refused.
 */
describe('a body refused for trailing bytes does not block the server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ bindings: [createHttpBinding(createGovcService())] });
  });
  afterAll(async () => {
    await server[Symbol.asyncDispose]();
  });

  it.each([
    ['15 MiB of MessagePack', { body: withTrailingByte(15 * 1024 * 1024), gzip: false }],
    ['gzip inflating to 60 MiB', { body: gzipSync(withTrailingByte(60 * 1024 * 1024)), gzip: true }],
  ])('%s plus one byte: invalid_argument, /healthz answering within 1 s meanwhile', async (_label, { body, gzip }) => {
    const session = await openH2Session(server.url);
    try {
      const headers = { 'content-type': 'application/msgpack', ...(gzip ? { 'content-encoding': 'gzip' } : {}) };
      let refused = false;
      const refusal = h2Send(session, '/v1/StoreBlob', { headers, body }).finally(() => {
        refused = true;
      });
      // The server runs in this process: a blocked event loop shows as one slow turn of the
      // loop, its pause included.
      let slowest = 0;
      for (let probe = 0; probe < 200 && !refused; probe++) {
        const started = performance.now();
        const health = await h1(`${server.url}/healthz`);
        expect(health.status).toBe(200);
        await pause(50);
        slowest = Math.max(slowest, performance.now() - started);
      }
      expect(errorOf(await refusal)).toEqual({ status: 400, code: 'invalid_argument' });
      expect(slowest).toBeLessThan(1_000);
    } finally {
      session.destroy();
    }
  });
});
