import { createGovcService } from '@govc/service';
import { createHttpBinding } from '@govc/transport-http';
import { describe, expect, it } from 'vitest';
import { h1, h2Session, rawConnect, sleep } from '../fixtures/clients.js';
import { clientPreface, frame, frameFlags, frameType, parseFrames, postHeaderBlock } from '../fixtures/h2-frames.js';
import { startServer } from '../fixtures/test-server.js';

async function until(condition: () => boolean, ms = 2_000): Promise<void> {
  for (const end = Date.now() + ms; !condition() && Date.now() < end;) await sleep(10);
}

describe('server limits', () => {
  it('closes connections past maxConnections at once, counts them, and serves again when one goes', async () => {
    await using s = await startServer({ limits: { maxConnections: 3 } });
    const held = await Promise.all([rawConnect(s.port), rawConnect(s.port), rawConnect(s.port)]);
    await until(() => s.server.metrics.registry.render().includes('govc_connections_open{http="pending",tls="false"} 3'));
    const extra = await rawConnect(s.port);
    expect(await Promise.race([extra.closed().then(() => 'closed'), sleep(2_000).then(() => 'open')])).toBe('closed');
    expect(s.server.metrics.registry.render()).toContain('govc_limit_hits_total{limit="connections"} 1');
    held[0]!.socket.destroy();
    await until(() => s.server.metrics.registry.render().includes('govc_connections_open{http="pending",tls="false"} 2'));
    expect((await h1(`${s.url}/healthz`)).status).toBe(200);
    for (const connection of held) connection.socket.destroy();
  });

  it('refuses an HTTP/1.1 header section over maxHeaderBytes with 431, counts it, and serves the next client', async () => {
    await using s = await startServer({ limits: { maxHeaderBytes: 4_096 } });
    const flood = await rawConnect(s.port);
    flood.socket.write(
      `GET /healthz HTTP/1.1\r\nHost: localhost\r\n${Array.from({ length: 200 }, (_, i) => `x-flood-${i}: ${'y'.repeat(40)}\r\n`).join('')}\r\n`,
    );
    await flood.closed();
    expect(flood.received().toString()).toMatch(/^HTTP\/1\.1 431 /);
    expect(s.server.metrics.registry.render()).toContain('govc_limit_hits_total{limit="header_bytes"} 1');
    expect((await h1(`${s.url}/healthz`, { headers: { 'x-fine': 'y'.repeat(1_000) } })).status).toBe(200);
  });

  it('closes a connection that says nothing within sniffMs, and an HTTP/2 session idle for idleMs, counting both', async () => {
    await using s = await startServer({ timeouts: { sniffMs: 200, idleMs: 300 } });
    const silent = await rawConnect(s.port);
    expect(await Promise.race([silent.closed().then(() => 'closed'), sleep(3_000).then(() => 'open')])).toBe('closed');
    const session = await h2Session(s.url);
    const closed = new Promise<void>((resolve) => session.once('close', () => resolve()));
    expect(await Promise.race([closed.then(() => 'closed'), sleep(3_000).then(() => 'open')])).toBe('closed');
    const text = s.server.metrics.registry.render();
    expect(text).toContain('govc_limit_hits_total{limit="sniff_timeout"} 1');
    expect(text).toContain('govc_limit_hits_total{limit="idle_timeout"} 1');
  });

  it('cancels an HTTP/2 request body that stalls past requestMs, counts it, and serves the session on', async () => {
    const service = createGovcService();
    await service.CreateRepository({ repo: 'r' }, { signal: undefined, deadline: undefined, headers: {}, caller: '' });
    await using s = await startServer({ bindings: [createHttpBinding(service)], timeouts: { headersMs: 200, requestMs: 400 } });
    const session = await h2Session(s.url);
    try {
      const stalled = session.request({ ':method': 'POST', ':path': '/v1/UploadBlob', 'content-type': 'application/govc-stream+json' });
      stalled.on('error', () => {});
      const first = Buffer.from(JSON.stringify({ repo: 'r', size: 10 }));
      const envelope = Buffer.alloc(5 + first.length);
      envelope.writeUInt32BE(first.length, 1);
      first.copy(envelope, 5);
      stalled.write(envelope); // and never the rest, nor the end
      const closed = new Promise<number | undefined>((resolve) => stalled.once('close', () => resolve(stalled.rstCode)));
      expect(await Promise.race([closed, sleep(3_000).then(() => 'still open')])).toBe(8); // CANCEL
      expect(s.server.metrics.registry.render()).toContain('govc_limit_hits_total{limit="request_timeout"} 1');
      const healthy = session.request({ ':path': '/healthz' });
      const status = await new Promise<number>((resolve) => healthy.once('response', (headers) => resolve(Number(headers[':status']))));
      healthy.resume();
      expect(status).toBe(200);
    } finally {
      session.close();
    }
  });

  it('refuses HTTP/2 streams past the stream limit with REFUSED_STREAM, even before the client acknowledged it', async () => {
    await using s = await startServer({ bindings: [createHttpBinding(createGovcService())], http2: { maxConcurrentStreams: 4 } });
    const raw = await rawConnect(s.port);
    // Ten calls whose bodies never come, so that each would stay in flight; our SETTINGS never acked.
    const block = postHeaderBlock('/v1/GetRepository', `127.0.0.1:${s.port}`);
    const parts = [clientPreface, frame(frameType.settings, 0, 0)];
    for (let i = 0; i < 10; i++) parts.push(frame(frameType.headers, frameFlags.endHeaders, 2 * i + 1, block));
    raw.socket.write(Buffer.concat(parts));
    const refused = (): number[] =>
      parseFrames(raw.received())
        .filter((f) => f.type === frameType.rstStream && f.payload.readUInt32BE(0) === 7) // REFUSED_STREAM
        .map((f) => f.streamId);
    for (let waited = 0; refused().length < 6 && waited < 3_000; waited += 10) await sleep(10);
    expect(refused().sort((a, b) => a - b)).toEqual([9, 11, 13, 15, 17, 19]);
    raw.socket.destroy();
    expect((await h1(`${s.url}/healthz`)).status).toBe(200);
  });

  it('answers a request whose headers never finish with 408 after headersMs, and counts it', async () => {
    await using s = await startServer({ timeouts: { headersMs: 300, requestMs: 600, checkIntervalMs: 50 } });
    const slow = await rawConnect(s.port);
    slow.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    await slow.closed();
    expect(slow.received().toString()).toMatch(/^HTTP\/1\.1 408 /);
    expect(s.server.metrics.registry.render()).toContain('govc_limit_hits_total{limit="request_timeout"} 1');
  });
});
