import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl, h1, h2, h2Session, rawConnect, sleep } from './fixtures/clients.js';
import { makeCertificate, type TestCertificate } from './fixtures/certificate.js';
import { echoBinding, type Echo } from './fixtures/echo-binding.js';
import { startServer } from './fixtures/test-server.js';

describe('TLS on the same port, ALPN choosing h2 or http/1.1', () => {
  let certificate: TestCertificate;
  beforeAll(async () => {
    certificate = await makeCertificate();
  });
  afterAll(async () => {
    await certificate?.[Symbol.asyncDispose]();
  });

  it('serves HTTP/1.1 and HTTP/2 with node clients', async () => {
    await using s = await startServer({ tls: certificate, bindings: [echoBinding()] });
    expect(s.url).toBe(`https://127.0.0.1:${s.port}`);
    const one = await h1(`${s.url}/echo/a`, { method: 'POST', body: 'over tls' });
    expect(JSON.parse(one.body)).toEqual<Echo>({
      binding: 'echo',
      protocol: 'http/1.1',
      tls: true,
      method: 'POST',
      path: '/echo/a',
      body: 'over tls',
    });
    const session = await h2Session(s.url);
    try {
      expect(session.alpnProtocol).toBe('h2');
      const two = await h2(session, '/echo/b', { method: 'POST', body: 'h2 over tls' });
      expect(JSON.parse(two.body)).toEqual<Echo>({
        binding: 'echo',
        protocol: 'h2',
        tls: true,
        method: 'POST',
        path: '/echo/b',
        body: 'h2 over tls',
      });
      expect((await h2(session, '/healthz')).body).toBe('ok');
    } finally {
      session.close();
    }
    const metrics = (await h1(`${s.url}/metrics`)).body;
    expect(metrics).toMatch(/govc_connections_total\{http="2",tls="true"\} 1\n/);
    expect(metrics).toMatch(/govc_connections_total\{http="1\.1",tls="true"\} [12]\n/);
  });

  it('negotiates what the client offers, and HTTP/1.1 when it offers no ALPN', async () => {
    await using s = await startServer({ tls: certificate });
    const offers: Array<string[] | undefined> = [['h2', 'http/1.1'], ['http/1.1'], undefined];
    const chosen = await Promise.all(
      offers.map(
        (ALPNProtocols) =>
          new Promise<string | false>((resolve, reject) => {
            const socket = tlsConnect(
              { port: s.port, host: '127.0.0.1', rejectUnauthorized: false, ...(ALPNProtocols ? { ALPNProtocols } : {}) },
              () => {
                resolve(socket.alpnProtocol ?? false);
                socket.destroy();
              },
            );
            socket.on('error', reject);
          }),
      ),
    );
    expect(chosen).toEqual(['h2', 'http/1.1', false]);
    const plain = await new Promise<string>((resolve, reject) => {
      const socket = tlsConnect({ port: s.port, host: '127.0.0.1', rejectUnauthorized: false }, () => {
        socket.end('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(plain).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*ok$/);
  });

  it('serves curl -k over --http2 and --http1.1', async () => {
    await using s = await startServer({ tls: certificate, bindings: [echoBinding()] });
    expect(await curl(`${s.url}/healthz`, ['-k', '--http2'])).toEqual({ status: 200, httpVersion: '2', body: 'ok' });
    expect(await curl(`${s.url}/healthz`, ['-k', '--http1.1'])).toEqual({ status: 200, httpVersion: '1.1', body: 'ok' });
    const json = await curl(`${s.url}/echo/json`, ['-k', '--http2', '-H', 'content-type: application/json', '-d', '{"a":1}']);
    expect(JSON.parse(json.body)).toMatchObject({ protocol: 'h2', tls: true, body: '{"a":1}' });
    // Trusting the certificate instead of -k: it is valid for 127.0.0.1.
    expect((await curl(`${s.url}/healthz`, ['--cacert', certificate.certPath])).body).toBe('ok');
  });

  it('closes a connection that never completes its handshake, and one that speaks cleartext', async () => {
    await using s = await startServer({ tls: certificate, timeouts: { sniffMs: 200 } });
    const silent = await rawConnect(s.port);
    expect(await Promise.race([silent.closed(), sleep(3_000).then(() => Infinity)])).toBeLessThan(1_000);
    const cleartext = await rawConnect(s.port);
    cleartext.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(await Promise.race([cleartext.closed(), sleep(3_000).then(() => Infinity)])).toBeLessThan(1_000);
    expect(cleartext.received().toString()).not.toContain('200 OK');
    expect((await h1(`${s.url}/healthz`)).status).toBe(200);
  });
});
