import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createInflate } from 'node:zlib';
import { GovcError } from '@govc/core';
import { createObjectHasher, objectHeader } from '../../objects/hash.js';
import type { WrittenBlob } from '../storage.js';
import type { DirectorySyncer } from './directory-syncer.js';
import { tempPath } from './durable-file.js';
import { openFileAppender } from './file-appender.js';
import { objectFile, placeObjectFile, syncPlaced, type ObjectDirs } from './loose-object-files.js';
import { createStoredZlibWriter, storedZlibBytes } from './stored-zlib.js';

/**
 * Streams `size` bytes of blob body into a temp loose object: the header, then the body, hashed
 * and framed as stored deflate blocks on the way. Returns the hash; the file is fsynced, not yet placed.
 */
async function writeLooseBlobFile(temp: string, size: number, body: AsyncIterable<Uint8Array>): Promise<string> {
  const hasher = createObjectHasher('blob', size);
  const header = objectHeader('blob', size);
  const appender = await openFileAppender(temp, { durable: true, expectedBytes: storedZlibBytes(header.length + size), mode: 0o444 });
  try {
    const zlib = createStoredZlibWriter(header.length + size, (bytes) => appender.append(bytes));
    await zlib.write(header);
    for await (const chunk of body) {
      hasher.update(chunk);
      await zlib.write(chunk);
    }
    const hash = hasher.digest();
    await zlib.end();
    await appender.finish();
    return hash;
  } finally {
    await appender.close();
  }
}

/** Copies the upload to a spool file (without a size, git's header cannot be written yet). */
async function spool(path: string, chunks: AsyncIterable<Uint8Array>): Promise<number> {
  const appender = await openFileAppender(path, { durable: false, mode: 0o600 });
  let size = 0;
  try {
    for await (const chunk of chunks) {
      await appender.append(chunk);
      size += chunk.byteLength;
    }
    await appender.finish();
  } finally {
    await appender.close();
  }
  return size;
}

/**
 * Streams a blob to disk without holding it in memory. With `declaredSize` the loose object is
 * written directly (a mismatch is `invalid_argument`); without, the bytes are spooled to a temp
 * file first, then hashed and framed from it. Resolves once the object is durable.
 */
export async function writeBlobStream(
  dirs: ObjectDirs,
  chunks: AsyncIterable<Uint8Array>,
  declaredSize: number | undefined,
  syncer: DirectorySyncer,
): Promise<WrittenBlob> {
  const temp = tempPath(dirs.temp, 'blob');
  const spoolFile = declaredSize === undefined ? tempPath(dirs.temp, 'spool') : undefined;
  try {
    let size: number;
    let hash: string;
    if (spoolFile === undefined) {
      size = declaredSize ?? 0;
      hash = await writeLooseBlobFile(temp, size, chunks);
    } else {
      size = await spool(spoolFile, chunks);
      hash = await writeLooseBlobFile(temp, size, createReadStream(spoolFile));
    }
    const toSync = new Set<string>();
    await placeObjectFile(dirs, temp, hash, toSync);
    await syncPlaced(dirs, toSync, syncer);
    return { hash, size };
  } finally {
    await rm(temp, { force: true });
    if (spoolFile !== undefined) await rm(spoolFile, { force: true });
  }
}

// Inflated pieces of 64 KiB: few enough to be cheap, small enough to keep reads lazy.
const inflateChunkBytes = 64 * 1024;

/**
 * Streams a blob's body from `offset` in chunks of at most `chunkSize` bytes, inflating the file
 * as the consumer reads. `not_found` unless it is a stored blob; `out_of_range` past its end.
 */
export async function* readBlobStream(dirs: ObjectDirs, hash: string, offset: number, chunkSize: number): AsyncGenerator<Uint8Array> {
  const file = objectFile(dirs, hash);
  const inflate = createInflate({ chunkSize: inflateChunkBytes });
  const source = createReadStream(file);
  const opened = new Promise<void>((resolve, reject) => {
    source.once('open', () => resolve());
    source.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    source.destroy();
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new GovcError('not_found', `blob ${hash} not found`);
    throw error;
  }
  source.on('error', (error) => inflate.destroy(error));
  source.pipe(inflate);
  try {
    let header: Buffer | undefined = Buffer.alloc(0);
    let skip = 0;
    // Inflated pieces not yet handed out; joined once per chunk, not once per piece.
    const pending: Buffer[] = [];
    let pendingBytes = 0;
    for await (const piece of inflate as AsyncIterable<Buffer>) {
      let data: Buffer = piece;
      if (header !== undefined) {
        header = Buffer.concat([header, data]);
        const nul = header.indexOf(0);
        if (nul < 0) {
          if (header.length > 32) throw new GovcError('data_loss', `loose object ${hash} has a malformed header`);
          continue;
        }
        const match = /^([a-z]+) (0|[1-9]\d*)$/.exec(header.toString('latin1', 0, nul));
        if (match?.[1] !== 'blob') throw new GovcError('not_found', `blob ${hash} not found`);
        const size = Number(match[2]);
        if (offset > size) throw new GovcError('out_of_range', `offset ${offset} is past the blob's end (${size})`);
        data = header.subarray(nul + 1);
        header = undefined;
        skip = offset;
      }
      if (skip > 0) {
        const dropped = Math.min(skip, data.length);
        data = data.subarray(dropped);
        skip -= dropped;
      }
      if (data.length === 0) continue;
      pending.push(data);
      pendingBytes += data.length;
      while (pendingBytes >= chunkSize) {
        const joined = Buffer.concat(pending, pendingBytes);
        yield new Uint8Array(joined.subarray(0, chunkSize));
        pending.length = 0;
        pendingBytes -= chunkSize;
        if (pendingBytes > 0) pending.push(joined.subarray(chunkSize));
      }
    }
    if (header !== undefined) throw new GovcError('data_loss', `loose object ${hash} ends inside its header`);
    if (pendingBytes > 0) yield new Uint8Array(Buffer.concat(pending, pendingBytes));
  } finally {
    source.destroy();
    inflate.destroy();
  }
}
