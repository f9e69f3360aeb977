import { Agent, request as http1Request, type IncomingMessage } from 'node:http';
import { connect, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { createClient, createInProcessTransport } from '@govc/core';
import { createGovcService } from '@govc/service';
import { createHttpBinding } from '@govc/transport-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope } from '../fixtures/hostile-envelopes.js';
import { pause, within } from '../fixtures/hostile-wire.js';
import { startServer, type TestServer } from '../fixtures/test-server.js';

const MiB = 1024 * 1024;

/**
 * A call that fails after its response began must say so on the wire: a stream ends with the
 * error in its end-of-stream envelope, a raw body is cut off (connection closed, stream reset)
 * rather than left short of its content-length. The clients here are raw and read slowly, past
 * the deadline, so that nothing of our own client hides what the server sends.
 */
describe('calls that fail mid-body', () => {
  let server: TestServer;
  let hashes: { stream: string; raw: string };
  beforeAll(async () => {
    const service = createGovcService();
    const client = createClient(createInProcessTransport(service));
    await client.createRepository({ repo: 'big' });
    const upload = async (bytes: number): Promise<string> => {
      const content = new Uint8Array(bytes).map((_, i) => (i * 31) & 0xff);
      async function* chunks() {
        yield { repo: 'big', size: bytes };
        for (let at = 0; at < bytes; at += MiB) yield { data: content.subarray(at, at + MiB) };
      }
      return (await client.uploadBlob(chunks())).hash;
    };
    hashes = { stream: await upload(32 * MiB), raw: await upload(64 * MiB) };
    server = await startServer({ bindings: [createHttpBinding(service)] });
  }, 30_000);
  afterAll(async () => {
    await server[Symbol.asyncDispose]();
  });

  it('a DownloadBlob stream past its deadline ends with deadline_exceeded, not success (HTTP/2, read slowly)', async () => {
    const session = connect(server.url);
    try {
      const stream = session.request({
        ':method': 'POST',
        ':path': '/v1/DownloadBlob',
        'content-type': 'application/govc-stream+json',
        'govc-timeout-ms': '200',
      });
      stream.end(envelope(0, JSON.stringify({ repo: 'big', hash: hashes.stream })));
      stream.pause();
      await within(2_000, 'the response head', new Promise((resolve) => stream.once('response', resolve)));
      await pause(600); // past the deadline, holding the flow-control window shut
      const envelopes = await within(10_000, 'the whole stream', readEnvelopes(stream));
      const last = envelopes.at(-1)!;
      expect(last.flags & 0x02).toBeTruthy(); // end of stream
      expect(JSON.parse(Buffer.from(last.payload).toString())).toMatchObject({ error: { code: 'deadline_exceeded' } });
      const dataBytes = envelopes.slice(0, -1).reduce((sum, envelope) => sum + envelope.payload.byteLength, 0);
      expect(dataBytes).toBeLessThan(32 * MiB);
    } finally {
      session.destroy();
    }
  });

  it('a raw blob GET past its deadline closes the HTTP/1.1 connection instead of leaving it short', async () => {
    const { hostname, port } = new URL(server.url);
    // Keep-alive, as every pooled client: with `Connection: close` the server's close hides a short body.
    const agent = new Agent({ keepAlive: true });
    const outgoing = http1Request({
      hostname,
      port,
      path: `/v1/repos/big/blobs/${hashes.raw}`,
      agent,
      headers: { 'govc-timeout-ms': '300' },
    });
    outgoing.end();
    try {
      const response = await within(
        2_000,
        'the response head',
        new Promise<IncomingMessage>((resolve, reject) => outgoing.once('response', resolve).once('error', reject)),
      );
      expect(response.headers['content-length']).toBe(String(64 * MiB));
      response.pause();
      await pause(600);
      const outcome = await within(3_000, 'the end of the body', bodyOutcome(response));
      expect(outcome.complete).toBe(false);
      expect(outcome.bytes).toBeLessThan(64 * MiB);
    } finally {
      outgoing.destroy();
      agent.destroy();
    }
  });

  it('a raw blob GET past its deadline resets the HTTP/2 stream instead of leaving it short', async () => {
    const session: ClientHttp2Session = connect(server.url);
    try {
      const stream = session.request({ ':method': 'GET', ':path': `/v1/repos/big/blobs/${hashes.raw}`, 'govc-timeout-ms': '300' });
      stream.end();
      const failed = new Promise<Error>((resolve) => stream.once('error', resolve));
      const closed = new Promise((resolve) => stream.once('close', resolve));
      stream.pause();
      const head = await within(
        2_000,
        'the response head',
        new Promise<Record<string, unknown>>((resolve) => stream.once('response', resolve)),
      );
      expect(head[':status']).toBe(200);
      await pause(600);
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => (bytes += chunk.byteLength));
      stream.resume();
      await within(3_000, 'the stream to close', closed);
      expect((await failed).message).toMatch(/INTERNAL_ERROR/);
      expect(stream.rstCode).toBe(2); // INTERNAL_ERROR
      expect(bytes).toBeLessThan(64 * MiB);
    } finally {
      session.destroy();
    }
  });
});

/** Every envelope of a stream's body (flags, u32 length, payload), read to its end. */
async function readEnvelopes(stream: ClientHttp2Stream): Promise<{ flags: number; payload: Uint8Array }[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  const envelopes: { flags: number; payload: Uint8Array }[] = [];
  for (let at = 0; at + 5 <= body.byteLength;) {
    const length = body.readUInt32BE(at + 1);
    envelopes.push({ flags: body[at]!, payload: body.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return envelopes;
}

/** How a response body ended: in full (`end`) or cut off (`aborted`/`close` first), and its bytes. */
function bodyOutcome(response: IncomingMessage): Promise<{ complete: boolean; bytes: number }> {
  return new Promise((resolve) => {
    let bytes = 0;
    response.on('data', (chunk: Buffer) => (bytes += chunk.byteLength));
    response.once('end', () => resolve({ complete: response.complete, bytes }));
    response.once('aborted', () => resolve({ complete: false, bytes }));
    response.once('error', () => resolve({ complete: false, bytes }));
    response.once('close', () => resolve({ complete: response.complete, bytes }));
    response.resume();
  });
}
