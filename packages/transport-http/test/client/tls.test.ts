import { createServer as createHttpsServer } from 'node:https';
import { createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { govcMethods, msgpackCodec } from '@govc/core';
import { createHttpTransport } from '../../src/index.js';
import { makeCertificate, type TestCertificate } from './certificate.js';
import { failure } from './fixtures.js';

const { Health } = govcMethods;
const health = { status: 'SERVING', version: '1.2.3' };

/** An HTTPS server on 127.0.0.1 answering Health, over HTTP/1.1 or (ALPN h2 only) HTTP/2. */
async function startTlsServer(
  httpVersion: '1.1' | '2',
  certificate: TestCertificate,
): Promise<{ port: number; alpn: string[] } & AsyncDisposable> {
  const alpn: string[] = [];
  const reply = msgpackCodec.encode(Health.output, health);
  const server =
    httpVersion === '2'
      ? createSecureServer({ ...certificate }).on('stream', (stream) => {
          stream.resume();
          stream.on('end', () => {
            stream.respond({ ':status': 200, 'content-type': 'application/msgpack' });
            stream.end(reply);
          });
        })
      : createHttpsServer({ ...certificate }, (request, response) => {
          request.resume();
          request.on('end', () => response.writeHead(200, { 'content-type': 'application/msgpack' }).end(reply));
        });
  server.on('secureConnection', (socket: { alpnProtocol?: string | false }) => alpn.push(String(socket.alpnProtocol)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    alpn,
    async [Symbol.asyncDispose]() {
      server.close();
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    },
  };
}

describe.each(['1.1', '2'] as const)('TLS over HTTP/%s', (httpVersion) => {
  let certificate: TestCertificate;
  beforeAll(async () => {
    certificate = await makeCertificate();
  });

  it('verifies the server against the given CA, by host name, through the DNS cache', async () => {
    await using server = await startTlsServer(httpVersion, certificate);
    const transport = createHttpTransport({ baseUrl: `https://localhost:${server.port}`, httpVersion, tls: { ca: certificate.cert } });
    expect(await transport.unary(Health, {})).toEqual(health);
    expect(server.alpn[0]).toBe(httpVersion === '2' ? 'h2' : 'http/1.1');
    await transport.close();
  });

  it('refuses a server it cannot verify with unavailable', async () => {
    await using server = await startTlsServer(httpVersion, certificate);
    const transport = createHttpTransport({ baseUrl: `https://127.0.0.1:${server.port}`, httpVersion });
    expect((await failure(transport.unary(Health, {}))).code).toBe('unavailable');
    await transport.close();
  });
});
