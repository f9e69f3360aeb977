import { constants } from 'node:http2';
import { describe, expect, it } from 'vitest';
import { govcMethods, msgpackCodec } from '@govc/core';
import { createHttpTransport } from '../../src/index.js';
import { readAll, sleep, startHttp1Server, startHttp2Server, until, type TestExchange } from './fixtures.js';

const { Health } = govcMethods;
const health = { status: 'SERVING', version: '1.2.3' };

function answer(exchange: TestExchange): void {
  exchange.respond(200, { 'content-type': 'application/msgpack' });
  exchange.end(msgpackCodec.encode(Health.output, health));
}

/** A handler that answers at once, or holds calls in `held` when told to. */
function holding() {
  const held: TestExchange[] = [];
  let hold = false;
  return {
    held,
    set hold(value: boolean) {
      hold = value;
    },
    async handler(exchange: TestExchange) {
      await readAll(exchange.body);
      if (hold) held.push(exchange);
      else answer(exchange);
    },
  };
}

describe('HTTP/1.1 connection pool', () => {
  it('warmup opens every pooled connection, and calls reuse them', async () => {
    const server = holding();
    await using listener = await startHttp1Server(server.handler);
    const transport = createHttpTransport({ baseUrl: listener.url, httpVersion: '1.1', connections: 4 });
    await transport.warmup();
    expect(listener.connections).toBe(4);
    await Promise.all(Array.from({ length: 8 }, () => transport.unary(Health, {})));
    expect(listener.connections).toBe(4);
    await transport.close();
  });

  it('never opens more connections than the pool size', async () => {
    const server = holding();
    server.hold = true;
    await using listener = await startHttp1Server(server.handler);
    const transport = createHttpTransport({ baseUrl: listener.url, httpVersion: '1.1', connections: 2 });
    const calls = Array.from({ length: 5 }, () => transport.unary(Health, {}));
    await until(() => server.held.length === 2);
    await sleep(30);
    expect(listener.connections).toBe(2);
    server.hold = false;
    for (const exchange of server.held.splice(0)) answer(exchange);
    // The three calls queued behind the first two run as connections free up, on the same two.
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 5 }, () => health));
    expect(listener.connections).toBe(2);
    await transport.close();
  });
});

describe('HTTP/2 sessions', () => {
  it('warmup opens one session and waits for its settings; calls multiplex on it', async () => {
    const server = holding();
    await using listener = await startHttp2Server(server.handler);
    const transport = createHttpTransport({ baseUrl: listener.url, httpVersion: '2' });
    await transport.warmup();
    expect(listener.sessions).toHaveLength(1);
    await Promise.all(Array.from({ length: 20 }, () => transport.unary(Health, {})));
    expect(listener.connections).toBe(1);
    await transport.close();
  });

  it('raises the flow-control windows it advertises', async () => {
    await using listener = await startHttp2Server(holding().handler);
    const transport = createHttpTransport({
      baseUrl: listener.url,
      httpVersion: '2',
      h2: { windowBytes: { session: 8 * 1024 * 1024, stream: 1024 * 1024 } },
    });
    await transport.unary(Health, {});
    const session = listener.sessions[0]!;
    expect(session.remoteSettings.initialWindowSize).toBe(1024 * 1024);
    await until(() => (session.state.remoteWindowSize ?? 0) > 4 * 1024 * 1024);
    await transport.close();
  });

  it("opens another session when one's streams reach the peer's maxConcurrentStreams", async () => {
    const server = holding();
    await using listener = await startHttp2Server(server.handler, { maxConcurrentStreams: 2 });
    const transport = createHttpTransport({ baseUrl: listener.url, httpVersion: '2' });
    await transport.warmup();
    server.hold = true;
    const calls = Array.from({ length: 3 }, () => transport.unary(Health, {}));
    await until(() => server.held.length === 3);
    expect(listener.sessions).toHaveLength(2);
    for (const exchange of server.held) answer(exchange);
    expect(await Promise.all(calls)).toEqual([health, health, health]);
    await transport.close();
  });

  it('queues calls on the least loaded session once maxSessions are full', async () => {
    const server = holding();
    await using listener = await startHttp2Server(server.handler, { maxConcurrentStreams: 1 });
    const transport = createHttpTransport({ baseUrl: listener.url, httpVersion: '2', h2: { maxSessions: 1 } });
    await transport.warmup();
    expect(await Promise.all(Array.from({ length: 5 }, () => transport.unary(Health, {})))).toHaveLength(5);
    expect(listener.sessions).toHaveLength(1);
    await transport.close();
  });

  it('on GOAWAY lets in-flight calls finish and opens a new session for new ones', async () => {
    const server = holding();
    await using listener = await startHttp2Server(server.handler);
    const transport = createHttpTransport({ baseUrl: listener.url, httpVersion: '2' });
    server.hold = true;
    const inFlight = transport.unary(Health, {});
    await until(() => server.held.length === 1);
    const first = listener.sessions[0]!;
    first.goaway(constants.NGHTTP2_NO_ERROR, 1);
    server.hold = false;
    await sleep(20);
    expect(await transport.unary(Health, {})).toEqual(health);
    expect(listener.sessions).toHaveLength(2);
    answer(server.held[0]!);
    expect(await inFlight).toEqual(health);
    await transport.close();
  });

  it('closes a session idle for idleTimeoutMs, and reconnects for the next call', async () => {
    await using listener = await startHttp2Server(holding().handler);
    const transport = createHttpTransport({ baseUrl: listener.url, httpVersion: '2', h2: { idleTimeoutMs: 100 } });
    await transport.unary(Health, {});
    const first = listener.sessions[0]!;
    await until(() => first.closed || first.destroyed, 1500);
    expect(await transport.unary(Health, {})).toEqual(health);
    expect(listener.sessions).toHaveLength(2);
    await transport.close();
  });

  it('sends keepalive PINGs', async () => {
    await using listener = await startHttp2Server(holding().handler);
    const transport = createHttpTransport({ baseUrl: listener.url, httpVersion: '2', h2: { pingIntervalMs: 30 } });
    await transport.warmup();
    let pings = 0;
    listener.sessions[0]!.on('ping', () => pings++);
    await until(() => pings >= 2, 1500);
    await transport.close();
  });

  it('closes its sessions on close', async () => {
    await using listener = await startHttp2Server(holding().handler);
    const transport = createHttpTransport({ baseUrl: listener.url, httpVersion: '2' });
    await transport.unary(Health, {});
    await transport.close();
    const session = listener.sessions[0]!;
    await until(() => session.closed || session.destroyed);
  });
});
