import { describe, expect, it } from 'vitest';
import { createLinkProxy, type LinkProxyOptions } from '../src/index.js';
import { serveEcho } from './fixtures/tcp-server.js';
import { connectTo, readBytes } from './fixtures/sockets.js';

const target = { port: 9 };

describe('options', () => {
  it.each<[string, LinkProxyOptions]>([
    ['latencyMs', { target, latencyMs: -1 }],
    ['latencyMs', { target, latencyMs: Number.NaN }],
    ['latencyMs', { target, latencyMs: Infinity }],
    ['rateMbit', { target, rateMbit: 0 }],
    ['rateMbit', { target, rateMbit: -5 }],
    ['rateMbit', { target, rateMbit: Infinity }],
    ['target.port', { target: { port: 0 } }],
    ['target.port', { target: { port: 65_536 } }],
    ['target.port', { target: { port: 80.5 } }],
    ['target.host', { target: { host: '', port: 80 } }],
    ['port', { target, port: -1 }],
    ['maxQueuedBytes', { target, maxQueuedBytes: 0 }],
  ])('rejects a bad %s with a RangeError naming it', async (name, options) => {
    await expect(createLinkProxy(options)).rejects.toThrow(RangeError);
    await expect(createLinkProxy(options)).rejects.toThrow(new RegExp(`^${name.replace('.', '\\.')} `));
  });

  it('checks setLink the same way, and keeps the old link on a bad one', async () => {
    await using echo = await serveEcho();
    await using proxy = await createLinkProxy({ target: { port: echo.port }, latencyMs: 30 });
    expect(() => proxy.setLink({ latencyMs: -1 })).toThrow(/^latencyMs /);
    expect(() => proxy.setLink({ rateMbit: 0 })).toThrow(RangeError);
    const client = await connectTo(proxy.port);
    const started = performance.now();
    const echoed = readBytes(client, 4);
    client.write('ping');
    await echoed;
    expect(performance.now() - started).toBeGreaterThanOrEqual(58);
    client.destroy();
  });
});
