import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileAppender } from '../../../src/store/disk/file-appender.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'govc-appender-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const mib = 1024 * 1024;
let files = 0;

/** Appends `body` in pieces of `piece` bytes and returns what landed on disk. */
async function roundTrip(body: Uint8Array, piece: number, durable: boolean, expectedBytes: number | undefined): Promise<Buffer> {
  const path = join(dir, `file-${files++}`);
  const appender = await openFileAppender(path, { durable, expectedBytes, mode: 0o600 });
  try {
    for (let at = 0; at < body.byteLength; at += piece) await appender.append(body.subarray(at, at + piece));
    await appender.finish();
  } finally {
    await appender.close();
  }
  expect((await stat(path)).size).toBe(body.byteLength);
  return readFile(path);
}

// Sizes around the 4 KiB direct-I/O block and the 1 MiB staging buffer, where the last write is
// padded and the file truncated (known size), or written through the page cache.
describe.each([
  ['durable, size known', true, true],
  ['durable, size unknown', true, false],
  ['not durable, size known', false, true],
])('openFileAppender, %s', (_label, durable, sizeKnown) => {
  it.each([0, 1, 4095, 4096, mib - 1, mib, mib + 1, 5 * mib + 4097])('writes %i bytes exactly', async (size) => {
    const body = randomBytes(size);
    const written = await roundTrip(body, 65_536 + 13, durable, sizeKnown ? size : undefined);
    expect(written.equals(body)).toBe(true);
  });
});

describe('openFileAppender', () => {
  it('copies what it is given, so the caller may reuse its buffer at once', async () => {
    const reused = Buffer.alloc(300_000);
    const path = join(dir, 'reused');
    const appender = await openFileAppender(path, { durable: true, expectedBytes: 10 * reused.byteLength, mode: 0o600 });
    try {
      for (let i = 0; i < 10; i++) {
        reused.fill(i);
        await appender.append(reused);
      }
      await appender.finish();
    } finally {
      await appender.close();
    }
    const written = await readFile(path);
    for (let i = 0; i < 10; i++)
      expect(written.subarray(i * reused.byteLength, (i + 1) * reused.byteLength).every((byte) => byte === i)).toBe(true);
  });

  it('refuses a file that exists already', async () => {
    const path = join(dir, 'taken');
    const first = await openFileAppender(path, { durable: false, mode: 0o600 });
    await first.close();
    await expect(openFileAppender(path, { durable: false, mode: 0o600 })).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('leaves no probe file behind', async () => {
    await roundTrip(randomBytes(2 * mib), mib, true, 2 * mib);
    expect((await readdir(dir)).filter((name) => name.includes('probe'))).toEqual([]);
  });
});
