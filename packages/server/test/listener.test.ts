import { Socket } from 'node:net';
import type { HttpBinding } from '@govc/core/node';
import { describe, expect, it, vi } from 'vitest';
import { createGovcServer } from '../src/index.js';
import { curl, h1, h2, h2Session, rawConnect, sleep } from './fixtures/clients.js';
import { echoBinding, type Echo } from './fixtures/echo-binding.js';
import { startServer } from './fixtures/test-server.js';

describe('one port, HTTP/1.1 and h2c', () => {
  it('serves HTTP/1.1 and HTTP/2 with prior knowledge on the same port', async () => {
    await using s = await startServer({ bindings: [echoBinding()] });
    const one = await h1(`${s.url}/echo/a?x=1`, { method: 'POST', body: 'hello' });
    expect(one.status).toBe(200);
    expect(JSON.parse(one.body)).toEqual<Echo>({
      binding: 'echo',
      protocol: 'http/1.1',
      tls: false,
      method: 'POST',
      path: '/echo/a',
      body: 'hello',
    });

    const session = await h2Session(s.url);
    try {
      const two = await h2(session, '/echo/b', { method: 'PUT', body: 'world' });
      expect(two.status).toBe(200);
      expect(JSON.parse(two.body)).toEqual<Echo>({
        binding: 'echo',
        protocol: 'h2',
        tls: false,
        method: 'PUT',
        path: '/echo/b',
        body: 'world',
      });
      // Many streams on the one session.
      const many = await Promise.all(Array.from({ length: 20 }, (_, i) => h2(session, `/echo/${i}`)));
      expect(many.map((reply) => (JSON.parse(reply.body) as Echo).path)).toEqual(Array.from({ length: 20 }, (_, i) => `/echo/${i}`));
    } finally {
      session.close();
    }
  });

  it('listens on 127.0.0.1 by default and reports the real port', async () => {
    const server = createGovcServer();
    expect(server.address).toBeUndefined();
    await using s = await startServer();
    expect(s.server.address).toEqual({ host: '127.0.0.1', port: s.port, url: `http://127.0.0.1:${s.port}` });
    expect(s.port).toBeGreaterThan(0);
    await expect(s.server.listen()).rejects.toThrow('already listening');
    await expect(createGovcServer({ port: s.port }).listen()).rejects.toThrow(/EADDRINUSE/);
    await server.close();
  });

  it('turns Nagle off and TCP keep-alive on for every accepted socket', async () => {
    const noDelay = vi.spyOn(Socket.prototype, 'setNoDelay');
    const keepAlive = vi.spyOn(Socket.prototype, 'setKeepAlive');
    try {
      await using s = await startServer({ keepAliveDelayMs: 12_345 });
      const raw = await rawConnect(s.port);
      const accepted = (socket: unknown) => (socket as Socket).localPort === s.port;
      for (let i = 0; i < 50 && !keepAlive.mock.contexts.some(accepted); i++) await sleep(10);
      expect(noDelay.mock.calls.filter((_, i) => accepted(noDelay.mock.contexts[i]))).toContainEqual([true]);
      expect(keepAlive.mock.calls.filter((_, i) => accepted(keepAlive.mock.contexts[i]))).toContainEqual([true, 12_345]);
      raw.socket.destroy();
    } finally {
      noDelay.mockRestore();
      keepAlive.mockRestore();
    }
  });

  it('announces its HTTP/2 stream limit and raised windows', async () => {
    await using s = await startServer({ http2: { maxConcurrentStreams: 100 } });
    const session = await h2Session(s.url);
    try {
      await h2(session, '/healthz');
      expect(session.remoteSettings).toMatchObject({ maxConcurrentStreams: 100, initialWindowSize: 1024 * 1024 });
      expect(session.state.remoteWindowSize).toBe(8 * 1024 * 1024);
    } finally {
      session.close();
    }
  });

  it('answers /healthz and /metrics before any binding, over both versions', async () => {
    const greedy: HttpBinding = {
      name: 'greedy',
      handles: () => true,
      serveHttp1: (_q, r) => r.end('greedy'),
      serveHttp2: (st) => st.end('greedy'),
    };
    await using s = await startServer({ bindings: [greedy] });
    const health = await h1(`${s.url}/healthz`);
    expect([health.status, health.body, health.headers['content-type']]).toEqual([200, 'ok', 'text/plain; charset=utf-8']);
    const metrics = await h1(`${s.url}/metrics`);
    expect(metrics.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metrics.body).toContain('# TYPE govc_connections_open gauge');
    const session = await h2Session(s.url);
    try {
      expect((await h2(session, '/healthz')).body).toBe('ok');
      expect((await h2(session, '/metrics')).body).toContain('govc_http_requests_total{http="2",route="healthz"} 1');
      const head = await h2(session, '/healthz', { method: 'HEAD' });
      expect([head.status, head.body, head.headers['content-length']]).toEqual([200, '', '2']);
      expect((await h2(session, '/elsewhere')).body).toBe('greedy');
    } finally {
      session.close();
    }
    const post = await h1(`${s.url}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect(JSON.parse(post.body)).toMatchObject({ code: 'unimplemented' });
  });

  it('answers unknown routes 404 with a JSON unimplemented error, over both versions', async () => {
    await using s = await startServer({ bindings: [echoBinding()] });
    const one = await h1(`${s.url}/nowhere?q=1`, { method: 'POST', body: 'x'.repeat(100_000) });
    expect(one.status).toBe(404);
    expect(one.headers['content-type']).toBe('application/json');
    expect(JSON.parse(one.body)).toEqual({ code: 'unimplemented', message: 'no route for POST /nowhere' });
    const session = await h2Session(s.url);
    try {
      const two = await h2(session, '/echoes', { method: 'POST', body: 'x'.repeat(100_000) });
      expect([two.status, JSON.parse(two.body)]).toEqual([404, { code: 'unimplemented', message: 'no route for POST /echoes' }]);
    } finally {
      session.close();
    }
  });

  it('gives each request to the first binding that handles it and can serve its HTTP version', async () => {
    const h2Only: HttpBinding = {
      name: 'grpc-like',
      handles: (path) => path.startsWith('/both/') || path.startsWith('/h2only/'),
      serveHttp2(stream) {
        stream.respond({ ':status': 200 });
        stream.end('grpc-like');
      },
    };
    const bindings = [h2Only, echoBinding({ name: 'first', prefix: '/both' }), echoBinding({ name: 'second', prefix: '/both' })];
    await using s = await startServer({ bindings });
    expect((JSON.parse((await h1(`${s.url}/both/x`)).body) as Echo).binding).toBe('first');
    const wrong = await h1(`${s.url}/h2only/x`);
    expect([wrong.status, JSON.parse(wrong.body)]).toEqual([
      505,
      { code: 'unimplemented', message: 'the grpc-like binding is not served over HTTP/1.1' },
    ]);
    const session = await h2Session(s.url);
    try {
      expect((await h2(session, '/both/x')).body).toBe('grpc-like');
      expect((await h2(session, '/h2only/x')).body).toBe('grpc-like');
    } finally {
      session.close();
    }
  });

  it('answers 500 internal when a binding throws, and keeps serving', async () => {
    const broken: HttpBinding = {
      name: 'broken',
      handles: () => true,
      serveHttp1() {
        throw new Error('boom');
      },
      serveHttp2() {
        throw new Error('boom');
      },
    };
    await using s = await startServer({ bindings: [broken] });
    const one = await h1(`${s.url}/x`);
    expect([one.status, JSON.parse(one.body)]).toEqual([500, { code: 'internal', message: 'broken binding failed: boom' }]);
    const session = await h2Session(s.url);
    try {
      expect((await h2(session, '/x')).status).toBe(500);
    } finally {
      session.close();
    }
    expect((await h1(`${s.url}/healthz`)).status).toBe(200);
  });

  it('tells the protocol apart when the first bytes arrive in pieces', async () => {
    await using s = await startServer();
    const one = await rawConnect(s.port);
    one.socket.write('G');
    await sleep(50);
    one.socket.write('ET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    await one.closed();
    expect(one.received().toString()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok$/);

    const two = await rawConnect(s.port);
    two.socket.write('PRI * HT');
    await sleep(50);
    two.socket.write('TP/2.0\r\n\r\nSM\r\n\r\n');
    two.socket.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])); // an empty SETTINGS frame
    for (let i = 0; i < 50 && two.received().length < 9; i++) await sleep(20);
    expect(two.received()[3]).toBe(4); // the server's first frame: its SETTINGS
    two.socket.destroy();
  });
});

describe('curl', () => {
  it('gets /healthz and a binding over HTTP/1.1 and with --http2-prior-knowledge', async () => {
    await using s = await startServer({ bindings: [echoBinding()] });
    expect(await curl(`${s.url}/healthz`, ['--http1.1'])).toEqual({ status: 200, httpVersion: '1.1', body: 'ok' });
    expect(await curl(`${s.url}/healthz`, ['--http2-prior-knowledge'])).toEqual({ status: 200, httpVersion: '2', body: 'ok' });
    const one = await curl(`${s.url}/echo/json`, ['--http1.1', '-H', 'content-type: application/json', '-d', '{"a":1}']);
    expect(JSON.parse(one.body)).toMatchObject({ protocol: 'http/1.1', method: 'POST', body: '{"a":1}' });
    const two = await curl(`${s.url}/echo/json`, ['--http2-prior-knowledge', '-H', 'content-type: application/json', '-d', '{"a":2}']);
    expect([two.httpVersion, JSON.parse(two.body)]).toMatchObject(['2', { protocol: 'h2', method: 'POST', body: '{"a":2}' }]);
  });
});

describe('upgrades', () => {
  const upgrading: HttpBinding = {
    name: 'upgrading',
    handles: (path) => path === '/ws',
    serveUpgrade(_request, socket, head) {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
      if (head.length > 0) socket.write(head);
      socket.pipe(socket);
    },
  };

  it('hands an upgrade to the binding that takes it', async () => {
    await using s = await startServer({ bindings: [upgrading] });
    const raw = await rawConnect(s.port);
    raw.socket.write('GET /ws HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nping');
    for (let i = 0; i < 50 && !raw.received().toString().endsWith('ping'); i++) await sleep(20);
    expect(raw.received().toString()).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n[\s\S]*\r\n\r\nping$/);
    raw.socket.destroy();
  });

  it('serves an upgrade no binding takes as an ordinary request (curl --http2 on cleartext)', async () => {
    await using s = await startServer({ bindings: [upgrading, echoBinding()] });
    expect(await curl(`${s.url}/healthz`, ['--http2'])).toEqual({ status: 200, httpVersion: '1.1', body: 'ok' });
    const echo = await curl(`${s.url}/echo/up`, ['--http2']);
    expect(JSON.parse(echo.body)).toMatchObject({ protocol: 'http/1.1', path: '/echo/up' });
  });
});
