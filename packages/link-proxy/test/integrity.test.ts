import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLinkProxy, type LinkParameters } from '../src/index.js';
import { serveEcho } from './fixtures/tcp-server.js';
import { connectTo, readBytes } from './fixtures/sockets.js';

const MiB = 1024 * 1024;

describe.each<[string, LinkParameters]>([
  ['a zero link', {}],
  ['a 5 ms link', { latencyMs: 5 }],
  ['a 1000 Mbit/s link, whose chunks are split for pacing', { rateMbit: 1000 }],
])('bytes across %s', (_, link) => {
  it('arrive intact and in order both ways: 8 MiB up and 8 MiB echoed down at once', async () => {
    await using echo = await serveEcho();
    await using proxy = await createLinkProxy({ target: { port: echo.port }, ...link });
    const payload = randomBytes(8 * MiB);
    const client = await connectTo(proxy.port);
    const echoed = readBytes(client, payload.length, 15_000);
    client.write(payload);
    expect((await echoed).equals(payload)).toBe(true);
    expect(proxy.stats()).toMatchObject({ bytesUp: payload.length, bytesDown: payload.length, totalConnections: 1 });
    client.destroy();
  });
});
