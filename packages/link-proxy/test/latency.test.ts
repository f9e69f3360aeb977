import { describe, expect, it } from 'vitest';
import { createLinkProxy } from '../src/index.js';
import { serveEcho, serveTcp } from './fixtures/tcp-server.js';
import { connectTo, readBytes, waitFor } from './fixtures/sockets.js';

/** Milliseconds for one small message to go through the echo server and back. */
async function roundTrip(port: number, message = Buffer.from('ping')): Promise<number> {
  const client = await connectTo(port);
  try {
    const started = performance.now();
    const echoed = readBytes(client, message.length);
    client.write(message);
    await echoed;
    return performance.now() - started;
  } finally {
    client.destroy();
  }
}

// Only the lower bounds are tight: a loaded machine can only make a round trip slower.
describe('latency', () => {
  it('adds latencyMs each way: a 20 ms link takes at least 40 ms per round trip', async () => {
    await using echo = await serveEcho();
    await using proxy = await createLinkProxy({ target: { port: echo.port }, latencyMs: 20 });
    for (let i = 0; i < 3; i++) {
      const ms = await roundTrip(proxy.port);
      expect(ms).toBeGreaterThanOrEqual(38);
      expect(ms).toBeLessThan(200);
    }
  });

  it('delays each chunk from when it was sent, not only the first of a burst', async () => {
    const arrivals: number[] = [];
    await using server = await serveTcp((socket) =>
      socket.on('data', (chunk: Buffer) => arrivals.push(...Array.from(chunk, () => performance.now()))),
    );
    await using proxy = await createLinkProxy({ target: { port: server.port }, latencyMs: 100 });
    const client = await connectTo(proxy.port);
    const sent: number[] = [];
    for (const byte of ['a', 'b']) {
      sent.push(performance.now());
      client.write(byte);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await waitFor(() => arrivals.length === 2, 5_000, 'both bytes');
    expect(arrivals[0]! - sent[0]!).toBeGreaterThanOrEqual(98);
    expect(arrivals[1]! - sent[1]!).toBeGreaterThanOrEqual(98);
    client.destroy();
  });

  it('setLink changes the delay of data sent from then on', async () => {
    await using echo = await serveEcho();
    await using proxy = await createLinkProxy({ target: { port: echo.port }, latencyMs: 20 });
    proxy.setLink({ latencyMs: 60 });
    expect(await roundTrip(proxy.port)).toBeGreaterThanOrEqual(118);
    proxy.setLink({});
    expect(await roundTrip(proxy.port)).toBeLessThan(100);
  });

  it('keeps order when the latency drops while data is in flight', async () => {
    await using echo = await serveEcho();
    await using proxy = await createLinkProxy({ target: { port: echo.port }, latencyMs: 100 });
    const client = await connectTo(proxy.port);
    const echoed = readBytes(client, 6);
    client.write('slow');
    await new Promise((resolve) => setTimeout(resolve, 20));
    proxy.setLink({ latencyMs: 0 });
    client.write('!!');
    expect((await echoed).toString()).toBe('slow!!');
    client.destroy();
  });
});
