import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLinkProxy } from '../src/index.js';
import { serveEcho, serveTcp } from './fixtures/tcp-server.js';
import { closed, connectTo, readBytes, readToEnd, waitFor, within } from './fixtures/sockets.js';

/** How many timers the process has pending, to see that a closed proxy leaves none behind. */
function pendingTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

/** A port that nothing listens on: one the OS just handed out and took back. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('half-close', () => {
  it('a client end reaches the server after the data queued before it, and the reply still flows back', async () => {
    const payload = randomBytes(256 * 1024);
    await using server = await serveTcp((socket) => {
      void readToEnd(socket).then((data) => socket.end(Buffer.concat([Buffer.from('got:'), data])));
    });
    await using proxy = await createLinkProxy({ target: { port: server.port }, latencyMs: 5 });
    const client = await connectTo(proxy.port);
    const reply = readToEnd(client);
    client.end(payload);
    expect((await reply).equals(Buffer.concat([Buffer.from('got:'), payload]))).toBe(true);
    await waitFor(() => proxy.stats().connections === 0, 5_000, 'the connection to close');
    expect(server.open.size).toBe(0);
  });
});

describe('resets', () => {
  it('a client reset resets the server side', async () => {
    await using echo = await serveEcho();
    await using proxy = await createLinkProxy({ target: { port: echo.port }, latencyMs: 20 });
    const client = await connectTo(proxy.port);
    await waitFor(() => echo.accepted.length === 1, 5_000, 'the upstream connection');
    const upstreamClosed = closed(echo.accepted[0]!);
    client.resetAndDestroy();
    expect(await upstreamClosed).toMatchObject({ code: 'ECONNRESET' });
    await waitFor(() => proxy.stats().connections === 0, 5_000, 'the connection to close');
  });

  it('a server reset resets the client', async () => {
    await using server = await serveTcp((socket) => socket.resetAndDestroy());
    await using proxy = await createLinkProxy({ target: { port: server.port }, latencyMs: 20 });
    const client = await connectTo(proxy.port);
    expect(await closed(client)).toMatchObject({ code: 'ECONNRESET' });
    await waitFor(() => proxy.stats().connections === 0, 5_000, 'the connection to close');
  });

  it('a target that refuses the connection resets the client', async () => {
    await using proxy = await createLinkProxy({ target: { port: await freePort() } });
    const client = await connectTo(proxy.port);
    expect(await closed(client)).toMatchObject({ code: 'ECONNRESET' });
    await waitFor(() => proxy.stats().connections === 0, 5_000, 'the connection to close');
  });
});

describe('cutAll', () => {
  it('resets every open connection on both sides, and the proxy keeps accepting', async () => {
    await using echo = await serveEcho();
    await using proxy = await createLinkProxy({ target: { port: echo.port } });
    const clients = await Promise.all([connectTo(proxy.port), connectTo(proxy.port), connectTo(proxy.port)]);
    await waitFor(() => echo.open.size === 3, 5_000, 'three upstream connections');
    const upstreams = echo.accepted.map((socket) => closed(socket));
    const downstreams = clients.map((client) => closed(client));
    proxy.cutAll();
    for (const error of await Promise.all([...upstreams, ...downstreams])) expect(error).toMatchObject({ code: 'ECONNRESET' });
    await waitFor(() => proxy.stats().connections === 0, 5_000, 'the connections to close');

    const again = await connectTo(proxy.port);
    const echoed = readBytes(again, 5);
    again.write('again');
    expect((await echoed).toString()).toBe('again');
    again.destroy();
    expect(proxy.stats().totalConnections).toBe(4);
  });
});

describe('close', () => {
  it('stops listening, closes open connections with data in flight, and leaves no socket or timer behind', async () => {
    await using echo = await serveEcho();
    const timersBefore = pendingTimers();
    const proxy = await createLinkProxy({ target: { port: echo.port }, latencyMs: 10_000 });
    const clients = await Promise.all([connectTo(proxy.port), connectTo(proxy.port)]);
    for (const client of clients) client.write('held in the delay line');
    await waitFor(() => echo.open.size === 2 && proxy.stats().queuedBytes > 0, 5_000, 'data in flight');
    const clientsClosed = clients.map((client) => closed(client));

    await within(proxy.close(), 5_000, 'close()');
    expect(proxy.stats()).toMatchObject({ connections: 0, queuedBytes: 0 });
    await Promise.all(clientsClosed);
    await waitFor(() => echo.open.size === 0, 5_000, 'the echo server to see its sockets closed');
    // At most as many: a timer of the test runner's may have run out meanwhile, but none of the proxy's is left.
    expect(pendingTimers()).toBeLessThanOrEqual(timersBefore);
    await expect(connectTo(proxy.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await proxy.close();
  });

  it('is what await using calls', async () => {
    await using echo = await serveEcho();
    let port = 0;
    {
      await using proxy = await createLinkProxy({ target: { port: echo.port } });
      port = proxy.port;
      expect(proxy.url()).toBe(`http://127.0.0.1:${port}`);
      expect(proxy.url('ws')).toBe(`ws://127.0.0.1:${port}`);
    }
    await expect(connectTo(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
