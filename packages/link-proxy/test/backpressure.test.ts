import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLinkProxy, type LinkParameters, type LinkProxy } from '../src/index.js';
import { serveTcp } from './fixtures/tcp-server.js';
import { connectTo, waitFor } from './fixtures/sockets.js';

const MiB = 1024 * 1024;
const maxQueuedBytes = MiB;
// What one direction may hold beyond its bound: the chunk read as the bound was crossed (64 KiB
// at most) and the receiving socket's write buffer (its 16 KiB high-water mark plus a chunk).
const slackBytes = 192 * 1024;
const pattern = randomBytes(MiB);
const twice = Buffer.concat([pattern, pattern]);

/**
 * Writes `pattern` again and again while keeping 4 MiB pending in the sender's own buffer, until
 * the proxy has stopped taking bytes for 300 ms (or 10 s pass). Returns the bytes written.
 */
async function writeUntilStalled(client: Socket, proxy: LinkProxy): Promise<number> {
  let sent = 0;
  let lastUp = -1;
  let stillSince = performance.now();
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline && sent < 512 * MiB) {
    if (client.writableLength < 4 * MiB) {
      client.write(pattern);
      sent += pattern.length;
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
    const { bytesUp } = proxy.stats();
    if (bytesUp !== lastUp) [lastUp, stillSince] = [bytesUp, performance.now()];
    else if (performance.now() - stillSince > 300) break;
  }
  return sent;
}

// A zero link pauses the sender as pipe() does, at the receiving socket's buffer; a delay line
// holds up to its bound.
describe.each<[string, LinkParameters, number]>([
  ['a zero link', {}, slackBytes],
  ['a 5 ms link', { latencyMs: 5 }, maxQueuedBytes + slackBytes],
  ['a 5 ms, 1000 Mbit/s link', { latencyMs: 5, rateMbit: 1000 }, maxQueuedBytes + slackBytes],
])('backpressure across %s', (_, link, maxHeldBytes) => {
  it('a receiver that does not read stalls the sender, and the proxy holds no more than its bound', async () => {
    let receiver: Socket | undefined;
    await using server = await serveTcp((socket) => {
      receiver = socket;
      socket.pause();
    });
    await using proxy = await createLinkProxy({ target: { port: server.port }, maxQueuedBytes, ...link });
    const client = await connectTo(proxy.port);
    const sent = await writeUntilStalled(client, proxy);

    // The sender's writes pile up in its own buffer: the proxy stopped reading from it.
    expect(client.writableLength).toBeGreaterThanOrEqual(4 * MiB);
    expect(proxy.stats().queuedBytes).toBeLessThanOrEqual(maxHeldBytes);

    // Once the receiver reads, everything arrives, in order.
    let received = 0;
    let intact = true;
    receiver!.on('data', (chunk: Buffer) => {
      const at = received % pattern.length;
      intact &&= chunk.equals(twice.subarray(at, at + chunk.length));
      received += chunk.length;
    });
    receiver!.resume();
    await waitFor(() => received >= sent, 20_000, `${sent} bytes at the receiver`);
    expect(received).toBe(sent);
    expect(intact).toBe(true);
    client.destroy();
  });
});
