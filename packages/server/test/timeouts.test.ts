import { describe, expect, it } from 'vitest';
import { h1, h2, h2Session, rawConnect, sleep } from './fixtures/clients.js';
import { echoBinding } from './fixtures/echo-binding.js';
import { startServer } from './fixtures/test-server.js';

describe('timeouts', () => {
  // Regression: an http.Server that never called listen() enforces no headersTimeout (Node 20.20)
  // until it is told it listens; the listener's must, or a slowloris client keeps its socket.
  it('cuts off an HTTP/1.1 client that never finishes its headers', async () => {
    await using s = await startServer({ timeouts: { headersMs: 300, requestMs: 1_000, checkIntervalMs: 50 } });
    const slow = await rawConnect(s.port);
    slow.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    const tookMs = await Promise.race([slow.closed(), sleep(3_000).then(() => Infinity)]);
    expect(tookMs).toBeLessThan(1_500);
    expect(slow.received().toString()).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
    expect((await h1(`${s.url}/healthz`)).status).toBe(200);
  });

  it('closes a connection that sends nothing within the sniff timeout', async () => {
    await using s = await startServer({ timeouts: { sniffMs: 200 } });
    const silent = await rawConnect(s.port);
    const tookMs = await Promise.race([silent.closed(), sleep(3_000).then(() => Infinity)]);
    expect(tookMs).toBeLessThan(1_000);
    expect(silent.received().length).toBe(0);
    expect((await h1(`${s.url}/metrics`)).body).toContain('govc_connections_total{http="none",tls="false"} 1');
  });

  it('closes a connection that stops halfway through the HTTP/2 preface', async () => {
    await using s = await startServer({ timeouts: { sniffMs: 200 } });
    const half = await rawConnect(s.port);
    half.socket.write('PRI * HTTP/2.0\r\n');
    const tookMs = await Promise.race([half.closed(), sleep(3_000).then(() => Infinity)]);
    expect(tookMs).toBeLessThan(1_000);
  });

  it('closes an idle HTTP/1.1 keep-alive connection after the idle timeout', async () => {
    await using s = await startServer({ timeouts: { idleMs: 200 } });
    const client = await rawConnect(s.port);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const tookMs = await Promise.race([client.closed(), sleep(3_000).then(() => Infinity)]);
    expect(client.received().toString()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Keep-Alive: timeout=0\r\n[\s\S]*ok$/);
    expect(tookMs).toBeLessThan(1_500);
  });

  it('closes an HTTP/2 session with GOAWAY once it has had no stream for the idle timeout', async () => {
    await using s = await startServer({ bindings: [echoBinding()], timeouts: { idleMs: 200 } });
    const session = await h2Session(s.url);
    const goaway = new Promise<number>((resolve) => session.once('goaway', (code: number) => resolve(code)));
    // A stream longer than the idle timeout keeps the session open.
    expect((await h2(session, '/echo/slow', { headers: { 'x-delay-ms': '400' } })).status).toBe(200);
    expect(session.closed || session.destroyed).toBe(false);
    expect(await Promise.race([goaway, sleep(3_000).then(() => -1)])).toBe(0);
    session.destroy();
  });
});
