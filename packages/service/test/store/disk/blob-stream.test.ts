import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adler32 } from '../../../src/store/disk/adler32.js';
import { writeBlobStream } from '../../../src/store/disk/blob-stream.js';
import { createDirectorySyncer } from '../../../src/store/disk/directory-syncer.js';
import { createStoredZlibWriter, storedZlibBytes } from '../../../src/store/disk/stored-zlib.js';
import { createGitSandbox, type GitSandbox } from '../../objects/git-sandbox.js';

let sandbox: GitSandbox;
beforeAll(() => {
  sandbox = createGitSandbox();
});
afterAll(() => sandbox.remove());

/** What git names `body` as a blob: the oracle, independent of our hashing. */
const gitBlobHash = (body: Uint8Array): string => sandbox.git(['hash-object', '--stdin'], { input: body });

/** zlib's own Adler-32 of `bytes`: the last four bytes of its zlib stream. */
function zlibAdler(bytes: Uint8Array): number {
  const stream = deflateSync(bytes, { level: 0 });
  return stream.readUInt32BE(stream.byteLength - 4);
}

/** `body` cut into pieces of varying sizes, from a fixed seed so that a failure replays. */
function* pieces(body: Uint8Array, seed: number): Generator<Uint8Array> {
  let state = seed;
  for (let at = 0; at < body.byteLength;) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const size = 1 + (state % 70_000);
    yield body.subarray(at, at + size);
    at += size;
  }
}

async function* asyncPieces(body: Uint8Array, seed = 1): AsyncGenerator<Uint8Array> {
  yield* pieces(body, seed);
}

async function storedZlib(body: Uint8Array, seed: number): Promise<Buffer> {
  const out: Buffer[] = [];
  const writer = createStoredZlibWriter(body.byteLength, async (bytes) => void out.push(Buffer.from(bytes)));
  for (const piece of pieces(body, seed)) await writer.write(piece);
  await writer.end();
  return Buffer.concat(out);
}

describe('adler32', () => {
  it.each([0, 1, 15, 16, 17, 3839, 3840, 3841, 65_536, 1_000_003])('equals zlib for %i random bytes, in one piece or many', (size) => {
    const bytes = randomBytes(size);
    expect(adler32(1, bytes)).toBe(zlibAdler(bytes));
    let running = 1;
    for (const piece of pieces(bytes, size)) running = adler32(running, piece);
    expect(running).toBe(zlibAdler(bytes));
  });

  it('stays exact on all-0xff input, where its sums grow fastest', () => {
    const bytes = new Uint8Array(200_000).fill(0xff);
    expect(adler32(1, bytes)).toBe(zlibAdler(bytes));
  });

  it('reads only the view, not the buffer around it', () => {
    const around = randomBytes(10_000);
    const view = around.subarray(3, 9_001);
    expect(adler32(1, view)).toBe(zlibAdler(Buffer.from(view)));
  });
});

describe('createStoredZlibWriter', () => {
  it.each([0, 1, 100, 65_534, 65_535, 65_536, 131_070, 131_071, 300_000])(
    'frames %i bytes that inflate back, at the predicted size',
    async (size) => {
      const body = randomBytes(size);
      const stream = await storedZlib(body, size + 7);
      expect(stream.byteLength).toBe(storedZlibBytes(size));
      expect(inflateSync(stream).equals(body)).toBe(true);
      expect(stream.subarray(0, 2)).toEqual(Buffer.from([0x78, 0x01]));
    },
  );

  it('refuses more or fewer bytes than declared as invalid_argument', async () => {
    const over = createStoredZlibWriter(3, async () => undefined);
    await expect(over.write(Buffer.from('abcd'))).rejects.toMatchObject({ code: 'invalid_argument' });
    const under = createStoredZlibWriter(3, async () => undefined);
    await under.write(Buffer.from('ab'));
    await expect(under.end()).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('writeBlobStream', () => {
  const syncer = createDirectorySyncer();
  let dirs: { objects: string; temp: string };
  beforeAll(async () => {
    dirs = { objects: join(sandbox.repo, 'objects'), temp: join(sandbox.dir, 'temp') };
    await mkdir(dirs.temp);
  });

  // 3 MiB spans several staging buffers and many stored blocks; the rest probe block edges.
  const bodies: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['one byte', Buffer.from('x')],
    ['a block less its header', randomBytes(65_535 - 'blob 65525\0'.length)],
    ['one block and a byte', randomBytes(65_536)],
    ['3 MiB', randomBytes(3 * 1024 * 1024 + 5)],
  ];

  it.each(bodies)('writes a loose object that git cat-file and git fsck accept, size declared: %s', async (_label, body) => {
    const written = await writeBlobStream(dirs, asyncPieces(body), body.byteLength, syncer);
    expect(written).toEqual({ hash: gitBlobHash(body), size: body.byteLength });
    expect(sandbox.gitBytes(['cat-file', '-p', written.hash]).equals(body)).toBe(true);
    expect(sandbox.git(['cat-file', '-s', written.hash])).toBe(String(body.byteLength));
    const fsck = sandbox.run(['fsck', '--strict', '--full', '--no-dangling']);
    expect(fsck.status).toBe(0);
    expect(fsck.stderr).not.toMatch(/error|warning|corrupt/);
    expect(await readdir(dirs.temp)).toEqual([]);
  });

  it('writes the same object through the spool when the size is not declared', async () => {
    const body = randomBytes(2 * 1024 * 1024 + 3);
    const written = await writeBlobStream(dirs, asyncPieces(body, 5), undefined, syncer);
    expect(written).toEqual({ hash: gitBlobHash(body), size: body.byteLength });
    expect(sandbox.gitBytes(['cat-file', 'blob', written.hash]).equals(body)).toBe(true);
    const file = join(dirs.objects, written.hash.slice(0, 2), written.hash.slice(2));
    expect(
      inflateSync(await readFile(file))
        .subarray(`blob ${body.byteLength}\0`.length)
        .equals(body),
    ).toBe(true);
    expect(await readdir(dirs.temp)).toEqual([]);
  });

  it.each([
    ['more bytes than declared', 1],
    ['fewer bytes than declared', -1],
  ])('fails invalid_argument on %s and leaves nothing behind', async (_label, delta) => {
    const body = randomBytes(1024 * 1024 + 17);
    const declared = body.byteLength - delta;
    await expect(writeBlobStream(dirs, asyncPieces(body), declared, syncer)).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(await readdir(dirs.temp)).toEqual([]);
    expect(sandbox.run(['cat-file', '-e', gitBlobHash(body)]).status).not.toBe(0);
    expect(sandbox.run(['cat-file', '-e', gitBlobHash(body.subarray(0, declared))]).status).not.toBe(0);
  });

  it('passes on a failing upload and removes its temp file', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield randomBytes(3 * 1024 * 1024);
      throw new Error('the client went away');
    }
    await expect(writeBlobStream(dirs, broken(), 4 * 1024 * 1024, syncer)).rejects.toThrow('the client went away');
    expect(await readdir(dirs.temp)).toEqual([]);
  });
});
