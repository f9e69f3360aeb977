import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyTlsPortBytes, plainHttpOnTlsReply } from '../../src/listener/plain-http-on-tls.js';
import { makeCertificate, type TestCertificate } from '../fixtures/certificate.js';
import { curl, h1, h2, h2Session, rawConnect, sleep } from '../fixtures/clients.js';
import { startServer } from '../fixtures/test-server.js';

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('classifyTlsPortBytes', () => {
  it('says tls at a first byte of 0x16, the TLS handshake record', () => {
    expect(classifyTlsPortBytes(Buffer.from([0x16]))).toBe('tls');
    expect(classifyTlsPortBytes(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]))).toBe('tls');
  });

  it('says plain-http at the space after an upper-case method, and waits until then', () => {
    for (const method of ['GET', 'POST', 'HEAD', 'OPTIONS', 'PRI', 'M-SEARCH', 'UPDATEREDIRECTREF']) {
      expect(classifyTlsPortBytes(bytes(`${method} / HTTP/1.1\r\n`)), method).toBe('plain-http');
      for (let n = 1; n <= method.length; n++) expect(classifyTlsPortBytes(bytes(method.slice(0, n)))).toBeUndefined();
    }
    expect(classifyTlsPortBytes(new Uint8Array())).toBeUndefined();
  });

  it('says other for anything else, as early as it can', () => {
    expect(classifyTlsPortBytes(Buffer.from([0x80, 0x2e]))).toBe('other'); // an SSLv2 hello
    expect(classifyTlsPortBytes(bytes('get / HTTP/1.1'))).toBe('other');
    expect(classifyTlsPortBytes(bytes(' GET'))).toBe('other');
    expect(classifyTlsPortBytes(bytes('GET\r\n'))).toBe('other');
    expect(classifyTlsPortBytes(bytes('A'.repeat(21)))).toBe('other');
  });
});

describe('plaintext HTTP on the TLS port', () => {
  let certificate: TestCertificate;
  beforeAll(async () => {
    certificate = await makeCertificate();
  });
  afterAll(async () => {
    await certificate?.[Symbol.asyncDispose]();
  });

  it('gets a 400 that says to use https, then the connection closes', async () => {
    await using s = await startServer({ tls: certificate });
    const raw = await rawConnect(s.port);
    raw.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(await Promise.race([raw.closed(), sleep(3_000).then(() => Infinity)])).toBeLessThan(2_500);
    const reply = raw.received().toString('latin1');
    expect(reply).toBe(plainHttpOnTlsReply);
    const [head, body] = reply.split('\r\n\r\n');
    expect(head!.split('\r\n')).toEqual([
      'HTTP/1.1 400 Bad Request',
      'content-type: text/plain; charset=utf-8',
      `content-length: ${Buffer.byteLength(body!)}`,
      'connection: close',
    ]);
    expect(body).toBe('This port speaks TLS: use https:// instead of http://\n');
  });

  it('gets the 400 when the request line arrives in pieces, and with a body that keeps coming', async () => {
    await using s = await startServer({ tls: certificate });
    const raw = await rawConnect(s.port);
    raw.socket.write('PO');
    await sleep(50);
    raw.socket.write('ST /v1/StoreBlob HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\n\r\n');
    for (let i = 0; i < 20; i++) raw.socket.write(Buffer.alloc(16 * 1024, 'x'));
    // The connection ends as soon as the client closes its side, long before the linger cut.
    expect(await raw.closed()).toBeLessThan(1_000);
    expect(raw.received().toString('latin1')).toBe(plainHttpOnTlsReply);
  });

  it('cuts a client that never closes its side once the reply had time to arrive', async () => {
    await using s = await startServer({ tls: certificate });
    const pending = () => s.server.metrics.registry.render().includes('govc_connections_open{http="pending",tls="true"} 1\n');
    const socket = connect({ port: s.port, host: '127.0.0.1', allowHalfOpen: true }); // gets the FIN, sends none
    socket.on('error', () => {});
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.write('GET / HTTP/1.1\r\n\r\n');
    await sleep(1_000);
    expect(received).toBe(plainHttpOnTlsReply);
    expect(pending()).toBe(true);
    for (let i = 0; i < 40 && pending(); i++) await sleep(50);
    expect(pending()).toBe(false);
    socket.destroy();
  });

  it('tells curl http:// on the TLS port to use https, and serves curl https:// on it', async () => {
    await using s = await startServer({ tls: certificate });
    const plain = await curl(`http://127.0.0.1:${s.port}/healthz`);
    expect(plain).toEqual({ status: 400, httpVersion: '1.1', body: 'This port speaks TLS: use https:// instead of http://\n' });
    expect(await curl(`${s.url}/healthz`, ['-k'])).toMatchObject({ status: 200, body: 'ok' });
  });

  it('leaves TLS clients on the same port served, HTTP/1.1 and HTTP/2', async () => {
    await using s = await startServer({ tls: certificate });
    const refused = await rawConnect(s.port);
    refused.socket.write('GET / HTTP/1.1\r\n\r\n');
    expect((await h1(`${s.url}/healthz`)).body).toBe('ok');
    const session = await h2Session(s.url);
    try {
      expect(session.alpnProtocol).toBe('h2');
      expect((await h2(session, '/healthz')).body).toBe('ok');
    } finally {
      session.close();
    }
    await refused.closed();
    expect(refused.received().toString('latin1')).toBe(plainHttpOnTlsReply);
  });

  it('gives the first bytes and the handshake one sniffMs together, counting a timeout in either', async () => {
    await using s = await startServer({ tls: certificate, timeouts: { sniffMs: 400 } });
    const silent = await rawConnect(s.port);
    const started = await rawConnect(s.port);
    await sleep(250);
    // A ClientHello's first byte, late, then nothing: the handshake has only what is left of the 400 ms.
    started.socket.write(Buffer.from([0x16]));
    const [silentMs, startedMs] = await Promise.all([silent.closed(), started.closed()]);
    expect(silentMs).toBeLessThan(400);
    expect(startedMs).toBeLessThan(350);
    expect(s.server.metrics.registry.render()).toContain('govc_limit_hits_total{limit="sniff_timeout"} 2\n');
    expect((await h1(`${s.url}/healthz`)).status).toBe(200);
  });
});
