import { constants } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { openFileAppender as OpenFileAppender } from '../../../src/store/disk/file-appender.js';

// Regression: every large O_DIRECT write made up to three new WebAssembly memories; each reserves
// gigabytes of address space until a GC, and V8 threw a plain RangeError at ~13k live ones.

const mib = 1024 * 1024;
// The appender's staging buffers per file: with the pool, the most it makes per concurrent writer.
const buffersPerFile = 3;

let dir: string;
beforeAll(async () => {
  // tmpdir() must take O_DIRECT (ext4 here, not tmpfs): each write checks the kernel opened its file so.
  dir = await realpath(await mkdtemp(join(tmpdir(), 'govc-appender-memory-')));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// vi.spyOn cannot count these: its `new` makes a Memory without a buffer. A subclass can.
const NativeMemory = WebAssembly.Memory;
let memories = 0;
class CountedMemory extends NativeMemory {
  constructor(descriptor: WebAssembly.MemoryDescriptor) {
    super(descriptor);
    memories++;
  }
}

let openAppender: typeof OpenFileAppender;
beforeEach(async () => {
  // A fresh module per test: an empty pool and no probe remembered from an earlier test.
  vi.resetModules();
  ({ openFileAppender: openAppender } = await import('../../../src/store/disk/file-appender.js'));
  memories = 0;
  WebAssembly.Memory = CountedMemory;
});
afterEach(() => {
  WebAssembly.Memory = NativeMemory;
});

/** Whether the kernel has the open file `path` in O_DIRECT mode, read from /proc/self/fdinfo. */
async function openedDirect(path: string): Promise<boolean> {
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => undefined);
    if (target !== path) continue;
    const flags = /^flags:\s*([0-7]+)$/m.exec(await readFile(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
    return (Number.parseInt(flags ?? '0', 8) & constants.O_DIRECT) !== 0;
  }
  throw new Error(`${path} is not open`);
}

let files = 0;

/** Writes `size` bytes of `fill(i)` in odd-sized pieces, asserting the aligned path ran; returns the path. */
async function writeDirect(size: number, fill: (i: number) => number): Promise<string> {
  const path = join(dir, `file-${files++}`);
  const body = Buffer.alloc(size);
  for (let i = 0; i < size; i++) body[i] = fill(i);
  const appender = await openAppender(path, { durable: false, expectedBytes: size, mode: 0o600 });
  try {
    expect(await openedDirect(path), `${dir} must take O_DIRECT for this test to mean anything`).toBe(true);
    for (let at = 0; at < size; at += 65_536 + 13) await appender.append(body.subarray(at, at + 65_536 + 13));
    await appender.finish();
  } finally {
    await appender.close();
  }
  return path;
}

/** Asserts the file holds exactly `size` bytes of `fill(i)`, naming the first wrong byte. */
async function expectContent(path: string, size: number, fill: (i: number) => number): Promise<void> {
  const written = await readFile(path);
  expect(written.byteLength).toBe(size);
  const wrong = written.findIndex((byte, i) => byte !== fill(i));
  expect(wrong, `first wrong byte of ${path}`).toBe(-1);
}

const patternA = (i: number): number => (i * 7 + 0xa5) & 0xff;
const patternB = (): number => 0x5b;

describe('file appender staging memory', () => {
  it('constructs no WebAssembly memory per write: 200 large direct writes reuse a bounded few', async () => {
    const concurrent = 4;
    const size = 2 * mib + 4097; // two full staging buffers and a padded tail
    for (let round = 0; round < 200 / concurrent; round++) {
      const paths = await Promise.all(Array.from({ length: concurrent }, () => writeDirect(size, patternA)));
      await Promise.all(paths.map((path) => rm(path)));
    }
    expect(memories).toBeGreaterThan(0);
    expect(memories).toBeLessThanOrEqual(concurrent * buffersPerFile);
  }, 120_000);

  it('writes each file byte-exact through buffers that held a larger file', async () => {
    const sizeA = 5 * mib + 4097;
    const pathA = await writeDirect(sizeA, patternA);
    await expectContent(pathA, sizeA, patternA);
    const constructedForA = memories;
    // Tails that end mid-block, one byte short of a buffer, and just past a block boundary.
    for (const sizeB of [mib + 17, 2 * mib - 1, 3 * mib + 4097]) {
      const pathB = await writeDirect(sizeB, patternB);
      await expectContent(pathB, sizeB, patternB);
    }
    expect(memories).toBe(constructedForA);
    await expectContent(pathA, sizeA, patternA);
  });

  it('never hands one buffer to two writers at once', async () => {
    // More writers than the pool keeps, each with its own byte: any shared buffer mixes them.
    const writers = 8;
    const sizes = Array.from({ length: writers }, (_, w) => 3 * mib + 1 + 4099 * w);
    const paths = await Promise.all(sizes.map((size, w) => writeDirect(size, () => w + 1)));
    for (const [w, path] of paths.entries()) await expectContent(path, sizes[w]!, () => w + 1);
  });

  it('gets the buffers of an appender closed without finishing back', async () => {
    const path = join(dir, 'abandoned');
    const abandoned = await openAppender(path, { durable: false, expectedBytes: 4 * mib, mode: 0o600 });
    expect(await openedDirect(path)).toBe(true);
    await abandoned.append(Buffer.alloc(2 * mib + 1, 0xee));
    await abandoned.close();
    const constructed = memories;
    const size = 4 * mib - 3;
    await expectContent(await writeDirect(size, patternB), size, patternB);
    expect(memories).toBe(constructed);
  });
});
