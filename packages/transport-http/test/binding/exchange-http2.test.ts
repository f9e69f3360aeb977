import { connect, createServer, type ClientHttp2Session, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { http2Exchange } from '../../src/binding/exchange-http2.js';

/**
 * An h2c server whose every stream is an exchange answering `body`, counting the aborts it
 * hears; `endAfter` false leaves every response open after its body, as a stream in progress.
 */
async function exchangeServer(
  body: Uint8Array,
  endAfter = true,
): Promise<{ server: Http2Server; url: string; aborts: () => number; closed: () => number }> {
  let aborts = 0;
  let closed = 0;
  const server = createServer();
  server.on('stream', (stream, headers) => {
    const exchange = http2Exchange(stream, headers);
    exchange.onAbort(() => aborts++);
    stream.once('close', () => closed++);
    exchange.respond(200, { 'content-length': body.byteLength });
    // As a unary call answers: the whole body in `end`.
    if (endAfter) exchange.end(body);
    else void exchange.write(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, aborts: () => aborts, closed: () => closed };
}

function request(session: ClientHttp2Session, reset: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': '/' });
    stream.on('error', () => {});
    stream.on('data', () => {
      if (reset) stream.close(0x8); // CANCEL, as a client that went away
    });
    stream.on('close', () => resolve());
    stream.setTimeout(5_000, () => reject(new Error('no response within 5 s')));
    stream.end();
  });
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; tries < 200 && !condition(); tries++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('the HTTP/2 exchange tells an abort from a finished response', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('hears no abort for 500 responses read in full (it used to hear one for each)', async () => {
    const { server, url, aborts, closed } = await exchangeServer(new Uint8Array(100));
    const session = connect(url);
    cleanup = () => {
      session.destroy();
      server.close();
    };
    for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 50 }, () => request(session, false)));
    await waitFor(() => closed() === 500);
    expect(closed()).toBe(500);
    expect(aborts()).toBe(0);
  });

  it('hears one abort for each response in progress that the client reset', async () => {
    const { server, url, aborts, closed } = await exchangeServer(new Uint8Array(1024), false);
    const session = connect(url);
    cleanup = () => {
      session.destroy();
      server.close();
    };
    await Promise.all(Array.from({ length: 5 }, () => request(session, true)));
    await waitFor(() => closed() === 5);
    expect(aborts()).toBe(5);
  });
});
