import { execFileSync } from 'node:child_process';
import { constants, type ClientHttp2Stream } from 'node:http2';
import { describe, expect, it } from 'vitest';
import { rawConnect, type RawConnection } from '../fixtures/clients.js';
import { clientPreface, frame, frameFlags, frameType, parseFrames, postHeaderBlock, rstStream } from '../fixtures/h2-frames.js';
import { expectedReadBack, readBack, startHostileTarget, type HostileTarget } from '../fixtures/hostile-target.js';
import { h1Wire, h2Send, h2Wire, openH2Session, pause, within } from '../fixtures/hostile-wire.js';

// Hostile connections against the real server: header floods, slow clients, HTTP/2 rapid reset
// and thousands of idle sockets. Each is refused or cut off within a bound, a well-behaved client
// is served meanwhile over HTTP/1.1 and HTTP/2, and nothing stored changes.

const json = { 'content-type': 'application/json' };

/** The well-behaved client, over both HTTP versions at once. */
async function servesBoth(t: HostileTarget): Promise<void> {
  await using h2 = h2Wire(t.url);
  const [one, two] = await within(5_000, 'well-behaved calls', Promise.all([readBack(h1Wire(t.url), t.seeded), readBack(h2, t.seeded)]));
  expect(one).toEqual(expectedReadBack(t.seeded));
  expect(two).toEqual(expectedReadBack(t.seeded));
}

/** The server's metrics text. */
async function metricsOf(t: HostileTarget): Promise<string> {
  return (await h1Wire(t.url).send('/metrics', { method: 'GET' })).body.toString();
}

/** A raw HTTP/1.1 request head to the target, without its final blank line. */
function requestHead(t: HostileTarget, method: string, path: string, extra = ''): string {
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nContent-Type: application/json\r\n${extra}`;
}

/** Waits until the server closes `raw`, failing past `ms`. */
function closedWithin(raw: RawConnection, ms: number, what: string): Promise<number> {
  return within(ms, `${what}: the server did not close the connection`, raw.closed());
}

describe('header floods', () => {
  const floods: ReadonlyArray<readonly [string, string]> = [
    ['3,000 headers', Array.from({ length: 3_000 }, (_, i) => `X-Flood-${i}: v\r\n`).join('')],
    ['one 100 KiB header', `X-Huge: ${'a'.repeat(100 * 1024)}\r\n`],
    ['one 40 KiB header', `X-Huge: ${'a'.repeat(40 * 1024)}\r\n`],
  ];

  it.each(floods)('HTTP/1.1: refuses %s with 431 (or a reset), and keeps serving', async (_name, headers) => {
    await using t = await startHostileTarget();
    const raw = await rawConnect(t.port);
    raw.socket.write(`${requestHead(t, 'POST', '/v1/StoreBlob', headers)}Content-Length: 31\r\n\r\n{"repo":"r","content":"eA=="}\r\n`);
    await closedWithin(raw, 3_000, 'header flood');
    const answer = raw.received().toString('latin1');
    // Node answers 431 before reading on; a reset with nothing sent is also a refusal.
    if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    await servesBoth(t);
    expect(await metricsOf(t)).toMatch(/govc_limit_hits_total\{limit="header_bytes"\} [1-9]/);
    expect(await t.snapshot()).toEqual(t.initial);
  });

  /** How an HTTP/2 request with `headers` ended: its status, or the stream's or session's error. */
  async function h2Outcome(t: HostileTarget, headers: Record<string, string>): Promise<string> {
    const session = await openH2Session(t.url);
    try {
      const reply = await h2Send(session, '/v1/StoreBlob', { headers: { ...json, ...headers }, body: '{"repo":"r","content":"eA=="}' });
      return `status ${reply.status}`;
    } catch (error) {
      return `reset: ${(error as Error).message}`;
    } finally {
      session.destroy();
    }
  }

  it('HTTP/2: refuses 3,000 headers and a 100 KiB header with a stream reset or GOAWAY, and keeps serving', async () => {
    await using t = await startHostileTarget();
    for (const [name, headers] of [
      ['3,000 headers', Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`x-flood-${i}`, 'v']))],
      ['200 headers', Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-flood-${i}`, 'v']))],
      ['one 100 KiB header', { 'x-huge': 'a'.repeat(100 * 1024) }],
    ] as const) {
      expect(await within(5_000, name, h2Outcome(t, headers)), name).toMatch(
        /^(status 431|reset: .*(REFUSED_STREAM|ENHANCE_YOUR_CALM|PROTOCOL_ERROR|COMPRESSION_ERROR|closed with error code))/,
      );
      await servesBoth(t);
    }
    expect(await t.snapshot()).toEqual(t.initial);
  });

  it('serves headers under the limit on both versions (the control)', async () => {
    await using t = await startHostileTarget();
    expect(await h2Outcome(t, { 'x-big': 'a'.repeat(8 * 1024) })).toBe('status 200');
    const reply = await h1Wire(t.url).send('/v1/GetRepository', {
      headers: { ...json, 'x-big': 'a'.repeat(8 * 1024) },
      body: '{"repo":"r"}',
    });
    expect(reply.status).toBe(200);
  });

  // Was a bug: nghttp2 only advertises the header-list limit, so a 40 KiB list was served (200).
  it('HTTP/2: refuses a 40 KiB header list over limits.maxHeaderBytes (16 KiB) with 431', async () => {
    await using t = await startHostileTarget();
    expect(await h2Outcome(t, { 'x-huge': 'a'.repeat(40 * 1024) })).toBe('status 431');
  });
});

describe('slow clients', () => {
  const timeouts = { headersMs: 500, requestMs: 1_000, checkIntervalMs: 100 };

  it('HTTP/1.1: cuts off 50 clients that never finish their headers, serving others meanwhile', async () => {
    await using t = await startHostileTarget({ server: { timeouts } });
    const slow = await Promise.all(Array.from({ length: 50 }, () => rawConnect(t.port)));
    const drips: NodeJS.Timeout[] = [];
    for (const raw of slow) {
      raw.socket.write(requestHead(t, 'POST', '/v1/StoreBlob'));
      // One more header byte every 100 ms: a slowloris, never the blank line.
      drips.push(setInterval(() => raw.socket.writable && raw.socket.write('X'), 100));
    }
    try {
      const started = performance.now();
      await servesBoth(t);
      await within(4_000, 'slow-header clients cut off', Promise.all(slow.map((raw) => raw.closed())));
      expect(performance.now() - started).toBeLessThan(3_000);
      for (const raw of slow) {
        const answer = raw.received().toString('latin1');
        if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      }
    } finally {
      for (const drip of drips) clearInterval(drip);
      for (const raw of slow) raw.socket.destroy();
    }
    await servesBoth(t);
    expect(await t.snapshot()).toEqual(t.initial);
  });

  it('HTTP/1.1: cuts off 20 clients that never finish their bodies, storing nothing', async () => {
    await using t = await startHostileTarget({ server: { timeouts } });
    const slow = await Promise.all(Array.from({ length: 20 }, () => rawConnect(t.port)));
    for (const raw of slow)
      raw.socket.write(`${requestHead(t, 'POST', '/v1/StoreBlob', 'Content-Length: 1000\r\n')}\r\n{"repo":"r","content":"eA`);
    try {
      await servesBoth(t);
      await within(4_000, 'slow-body clients cut off', Promise.all(slow.map((raw) => raw.closed())));
      for (const raw of slow) {
        const answer = raw.received().toString('latin1');
        if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      }
    } finally {
      for (const raw of slow) raw.socket.destroy();
    }
    await servesBoth(t);
    expect(await metricsOf(t)).toMatch(/govc_http_requests_in_flight\{http="1\.1"\} 1\n/); // the /metrics request itself
    expect(await t.snapshot()).toEqual(t.initial);
  });

  it('HTTP/2: serves other streams on the same session while 50 bodies stall, and frees them on reset', async () => {
    // requestMs is documented for HTTP/1.1 only: a stalled HTTP/2 stream is bounded by the stream
    // limit per connection instead, and must not block its session's other streams.
    await using t = await startHostileTarget({ server: { timeouts } });
    const session = await openH2Session(t.url);
    const stalled: ClientHttp2Stream[] = [];
    try {
      for (let i = 0; i < 50; i++) {
        const stream = session.request({ ':method': 'POST', ':path': '/v1/StoreBlob', ...json, 'content-length': '1000' });
        stream.on('error', () => {});
        stream.write('{"repo":"r","content":"eA');
        stalled.push(stream);
      }
      await pause(50);
      const meanwhile = await within(
        5_000,
        'a call beside stalled streams',
        h2Send(session, '/v1/GetBlob', { headers: json, body: JSON.stringify({ repo: 'r', hash: t.seeded.looseBlob.hash }) }),
      );
      expect(meanwhile.status).toBe(200);
      await servesBoth(t);
      expect(await metricsOf(t)).toMatch(/govc_http_requests_in_flight\{http="2"\} 50\n/);
      for (const stream of stalled) stream.close(constants.NGHTTP2_CANCEL);
      await within(3_000, 'stalled streams freed', waitForMetric(t, /govc_http_requests_in_flight\{http="2"\} 0\n/));
    } finally {
      session.destroy();
    }
    expect(await t.snapshot()).toEqual(t.initial);
  });
});

/** Polls the metrics until `pattern` matches. */
async function waitForMetric(t: HostileTarget, pattern: RegExp): Promise<void> {
  while (!pattern.test(await metricsOf(t))) await pause(50);
}

describe('HTTP/2 rapid reset', () => {
  it('survives 2,000 streams opened and reset at once on one raw connection, and keeps serving', async () => {
    // idleMs bounds how long the flooding connection may linger after the server gives up on it.
    await using t = await startHostileTarget({ server: { timeouts: { idleMs: 500 } } });
    const raw = await rawConnect(t.port);
    const block = postHeaderBlock('/v1/GetRepository', `127.0.0.1:${t.port}`);
    const parts = [clientPreface, frame(frameType.settings, 0, 0)];
    for (let i = 0; i < 2_000; i++) {
      const id = 2 * i + 1;
      parts.push(frame(frameType.headers, frameFlags.endHeaders, id, block));
      // Every other stream gets its whole request first, so its handler really runs.
      if (i % 2) parts.push(frame(frameType.data, frameFlags.endStream, id, Buffer.from('{"repo":"r"}')));
      parts.push(rstStream(id));
    }
    raw.socket.write(Buffer.concat(parts));
    await servesBoth(t);
    // The flood ends with GOAWAY (Node's reset-flood guard) or is absorbed; either way the
    // connection does not outlive the idle timeout, and no stream stays in flight.
    await closedWithin(raw, 5_000, 'rapid-reset connection');
    const frames = parseFrames(raw.received());
    expect(frames[0]?.type).toBe(frameType.settings);
    await within(3_000, 'reset streams freed', waitForMetric(t, /govc_http_requests_in_flight\{http="2"\} 0\n/));
    await servesBoth(t);
    expect(await t.snapshot()).toEqual(t.initial);
  });

  it('survives 2,000 node:http2 requests each closed with NGHTTP2_CANCEL right away', async () => {
    await using t = await startHostileTarget({ server: { timeouts: { idleMs: 500 } } });
    const session = await openH2Session(t.url);
    let closed = 0;
    try {
      for (let i = 0; i < 2_000; i++) {
        const stream = session.request({ ':method': 'POST', ':path': '/v1/GetRepository', ...json });
        stream.on('error', () => {});
        stream.on('close', () => closed++);
        stream.close(constants.NGHTTP2_CANCEL);
      }
      await within(
        5_000,
        'all 2,000 streams closed',
        (async () => {
          while (closed < 2_000) await pause(20);
        })(),
      );
    } finally {
      session.destroy();
    }
    await servesBoth(t);
    await within(3_000, 'reset streams freed', waitForMetric(t, /govc_http_requests_in_flight\{http="2"\} 0\n/));
    expect(await t.snapshot()).toEqual(t.initial);
  });
});

describe('idle connections', () => {
  /** The process's open-file limit, so that the test opens no more sockets than it may. */
  function fdLimit(): number {
    const text = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return text === 'unlimited' ? 1 << 20 : Number(text);
  }

  /** A raw connection and when it opened and (once it has) closed, in `performance.now()` time. */
  interface Idle {
    readonly raw: RawConnection;
    readonly openedAt: number;
    readonly closedAt: Promise<number>;
  }

  /** Opens `count` raw connections, a batch at a time so the accept backlog is never overrun. */
  async function openIdle(port: number, count: number): Promise<Idle[]> {
    const sockets: Idle[] = [];
    const open = async (): Promise<Idle> => {
      const raw = await rawConnect(port);
      return { raw, openedAt: performance.now(), closedAt: raw.closed().then(() => performance.now()) };
    };
    while (sockets.length < count) {
      const batch = Math.min(200, count - sockets.length);
      sockets.push(...(await Promise.all(Array.from({ length: batch }, open))));
    }
    return sockets;
  }

  it('closes 2,000 silent connections at the sniff timeout, serving others meanwhile', async () => {
    // Each connection costs two descriptors here (client and server side, one process).
    const count = Math.min(2_000, Math.floor((fdLimit() - 500) / 2));
    expect(count).toBeGreaterThanOrEqual(500);
    // Loopback here drops the odd SYN (a 1 s retransmit), so opening them all takes a few
    // seconds: the sniff timeout is long enough that most are open at once.
    const sniffMs = 4_000;
    await using t = await startHostileTarget({ server: { timeouts: { sniffMs } } });
    const idle = await openIdle(t.port, count);
    try {
      await servesBoth(t);
      const pending = Number(/govc_connections_open\{http="pending",tls="false"\} (\d+)\n/.exec(await metricsOf(t))?.[1]);
      expect(pending).toBeGreaterThanOrEqual(count / 2);
      const closedAt = await within(sniffMs + 4_000, 'idle connections closed', Promise.all(idle.map((each) => each.closedAt)));
      const lifetimes = closedAt.map((at, i) => at - idle[i]!.openedAt);
      expect(Math.min(...lifetimes)).toBeGreaterThan(sniffMs - 100);
      expect(Math.max(...lifetimes)).toBeLessThan(sniffMs + 2_000);
      expect(idle.every((each) => each.raw.received().length === 0)).toBe(true);
    } finally {
      for (const each of idle) each.raw.socket.destroy();
    }
    await servesBoth(t);
    expect(await metricsOf(t)).toMatch(new RegExp(`govc_connections_total\\{http="none",tls="false"\\} ${count}\\n`));
    expect(await t.snapshot()).toEqual(t.initial);
  });

  it('closes connections past limits.maxConnections at once, and serves again once the idle ones are cut', async () => {
    await using t = await startHostileTarget({ server: { timeouts: { sniffMs: 500 }, limits: { maxConnections: 100 } } });
    const idle = await openIdle(t.port, 150);
    try {
      const closedAtOnce = await Promise.all(
        idle.map((each) => Promise.race([each.closedAt.then(() => true), pause(200).then(() => false)])),
      );
      expect(closedAtOnce.filter(Boolean).length).toBe(50);
      await within(3_000, 'idle connections closed', Promise.all(idle.map((each) => each.closedAt)));
    } finally {
      for (const each of idle) each.raw.socket.destroy();
    }
    await servesBoth(t);
    expect(await metricsOf(t)).toMatch(/govc_limit_hits_total\{limit="connections"\} 50\n/);
  });
});
