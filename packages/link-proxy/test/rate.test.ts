import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLinkProxy } from '../src/index.js';
import { serveTcp } from './fixtures/tcp-server.js';
import { connectTo, readBytes, readToEnd, within } from './fixtures/sockets.js';

const MiB = 1024 * 1024;

// 2 MiB at 50 Mbit/s is 2 · 2^20 · 8 / 50e6 = 0.335 s of transmission. Only the lower bound is tight.
describe('rate', () => {
  it('paces 2 MiB up at 50 Mbit/s over at least 0.30 s', async () => {
    let resolveUpload: (bytes: Promise<Buffer>) => void = () => {};
    const upload = new Promise<Buffer>((resolve) => (resolveUpload = resolve));
    await using server = await serveTcp((socket) => resolveUpload(readToEnd(socket)));
    await using proxy = await createLinkProxy({ target: { port: server.port }, rateMbit: 50 });
    const payload = randomBytes(2 * MiB);
    const client = await connectTo(proxy.port);
    const started = performance.now();
    client.end(payload);
    expect((await within(upload, 10_000, 'the upload')).equals(payload)).toBe(true);
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(0.3);
    expect(seconds).toBeLessThan(3);
  });

  it('paces 2 MiB down at 50 Mbit/s over at least 0.30 s', async () => {
    const payload = randomBytes(2 * MiB);
    await using server = await serveTcp((socket) => socket.end(payload));
    await using proxy = await createLinkProxy({ target: { port: server.port }, rateMbit: 50 });
    const client = await connectTo(proxy.port);
    const started = performance.now();
    expect((await readBytes(client, payload.length)).equals(payload)).toBe(true);
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(0.3);
    expect(seconds).toBeLessThan(3);
    client.destroy();
  });
});
