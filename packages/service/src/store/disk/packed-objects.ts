import { renameSync } from 'node:fs';
import { open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { GovcError } from '@govc/core';
import { isHash } from '../../objects/hash.js';
import type { ObjectInfo, StoredObject } from '../storage.js';
import { fsyncDirectory, tempPath, writeNewFileSynced } from './durable-file.js';
import type { ObjectDirs } from './loose-object-files.js';
import { applyDelta } from './pack-delta.js';
import { parsePackEntry, readPackIndex, type BuiltPack, type PackEntry } from './pack-file.js';

/** Every packed object of one repository, by hash; kept in memory, filled at start-up. */
export type PackedObjects = Map<string, PackEntry>;

/**
 * Loads the indexes of `objects/pack`. A `.pack` without its `.idx` is what a crash between the
 * two renames leaves (the `.idx` goes last, so git never sees half a pack): it is removed.
 */
export async function loadPackedObjects(dirs: ObjectDirs): Promise<PackedObjects> {
  const packDir = join(dirs.objects, 'pack');
  const packed: PackedObjects = new Map();
  const entries = new Set(await readdir(packDir));
  for (const entry of entries) {
    const match = /^pack-([0-9a-f]{40})\.pack$/.exec(entry);
    if (match === null || !isHash(match[1] ?? '')) continue;
    const pack = join(packDir, entry);
    const index = `pack-${match[1]}.idx`;
    if (!entries.has(index)) {
      await rm(pack, { force: true });
      continue;
    }
    readPackIndex(await readFile(join(packDir, index)), pack, (await stat(pack)).size, packed);
  }
  return packed;
}

/**
 * Writes a built pack and its `.idx` durably — both files synced in parallel, renamed (the
 * `.idx` last: git sees a pack only through its index), then one directory fsync — and records
 * its objects in `packed`; returns the pack's path. An object packed twice is harmless: git
 * accepts it, as it does an object both loose and packed.
 */
export async function writePack(dirs: ObjectDirs, built: BuiltPack, packed: PackedObjects): Promise<string> {
  const packDir = join(dirs.objects, 'pack');
  const pack = join(packDir, `pack-${built.name}.pack`);
  const packTemp = tempPath(dirs.temp, `pack-${built.name}.pack`);
  const indexTemp = tempPath(dirs.temp, `pack-${built.name}.idx`);
  try {
    // Read-only, as git leaves pack files.
    const written = await Promise.allSettled([
      writeNewFileSynced(packTemp, built.pack, 0o444),
      writeNewFileSynced(indexTemp, built.index, 0o444),
    ]);
    for (const result of written) if (result.status === 'rejected') throw result.reason;
    // The `.idx` goes last: git only sees a pack through its index. Renames are made inline
    // (see durable-file.ts).
    renameSync(packTemp, pack);
    renameSync(indexTemp, join(packDir, `pack-${built.name}.idx`));
  } catch (error) {
    await Promise.all([rm(packTemp, { force: true }), rm(indexTemp, { force: true })]);
    throw error;
  }
  // Recorded in the same tick as the renames: a consolidation listing the directory never finds
  // the pack before `packed` names it (it would take the pack for one whose objects live
  // elsewhere). Read from here on; the names become durable with the directory's fsync, before
  // the caller lets go of any other copy.
  const { hashes, offsets } = built;
  hashes.forEach((hash, i) => packed.set(hash, { pack, offset: offsets[i]!, end: offsets[i + 1]! }));
  await fsyncDirectory(packDir);
  return pack;
}

/** The bytes of a pack entry (at most `limit` of them), read from its pack file; `upTo`: fewer at the file's end are fine. */
async function readEntryBytes(entry: PackEntry, limit = Infinity, upTo = false): Promise<Buffer> {
  const handle = await open(entry.pack, 'r');
  try {
    const length = Math.min(entry.end - entry.offset, limit);
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, entry.offset);
    if (bytesRead !== length && !upTo) throw new GovcError('data_loss', `${entry.pack} is truncated`);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Reads what is likely the whole entry at `offset` of `pack`, not knowing where it ends: its header, then as many bytes as zlib could need for its size, at most to the file's end. */
async function readEntryAt(pack: string, offset: number): Promise<Buffer> {
  const handle = await open(pack, 'r');
  try {
    const { size: fileSize } = await handle.stat();
    const head = await handle.read(Buffer.alloc(32), 0, 32, offset);
    const { size, deflated } = parsePackEntry(head.buffer.subarray(0, head.bytesRead));
    // Deflate's worst case (stored blocks) plus zlib's header and checksum, generously.
    const bound = head.bytesRead - deflated.length + size + Math.ceil(size / 8) + Math.ceil(size / 64) + 16;
    const length = Math.max(0, Math.min(bound, fileSize - offset));
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Inflates an entry's data, which must come to exactly `size` bytes; anything else (a bomb, garbage) is `data_loss`. */
function inflateEntry(deflated: Buffer, size: number, pack: string): Buffer {
  let inflated: Buffer;
  try {
    // One byte more than declared is enough to tell a lie: never more is made.
    inflated = inflateSync(deflated, { maxOutputLength: size + 1 });
  } catch (error) {
    throw new GovcError('data_loss', `${pack}: an entry does not inflate: ${(error as Error).message}`, { cause: error });
  }
  if (inflated.length !== size) throw new GovcError('data_loss', `${pack}: an entry's size does not match its header`);
  return inflated;
}

// Longer delta chains are refused as data loss: git writes none deeper than 4095 (its default
// is 50), and a cycle of REF_DELTAs in a broken pack must not loop for ever.
const maxDeltaChain = 4096;

/**
 * The object of the entry `bytes` found at `offset` of `pack`: inflated, and for a delta (packs
 * `git gc` wrote) applied to its base — by offset in the same pack, or by name through `packed`.
 * Sizes that do not match their headers are `data_loss`.
 */
async function resolveEntry(
  pack: string,
  offset: number,
  bytes: Buffer,
  packed: PackedObjects | undefined,
  depth: number,
): Promise<StoredObject> {
  const header = parsePackEntry(bytes);
  const inflated = inflateEntry(header.deflated, header.size, pack);
  if (header.kind === 'whole') return { type: header.type, size: header.size, body: inflated };
  if (depth >= maxDeltaChain) throw new GovcError('data_loss', `${pack}: a delta chain is longer than ${maxDeltaChain}`);
  let base: StoredObject;
  if (header.kind === 'ofs-delta') {
    const baseOffset = offset - header.baseDistance;
    if (header.baseDistance === 0 || baseOffset < 12) throw new GovcError('data_loss', `${pack}: a delta's base lies outside the pack`);
    base = await resolveEntry(pack, baseOffset, await readEntryAt(pack, baseOffset), packed, depth + 1);
  } else {
    const baseEntry = packed?.get(header.baseHash);
    if (baseEntry === undefined) throw new GovcError('data_loss', `${pack}: the base ${header.baseHash} of a delta is missing`);
    base = await resolveEntry(baseEntry.pack, baseEntry.offset, await readEntryBytes(baseEntry), packed, depth + 1);
  }
  const body = applyDelta(base.body, inflated, pack);
  return { type: base.type, size: body.length, body };
}

/** Reads one packed object whole; deltas are resolved against `packed` (see `resolveEntry`). */
export async function readPackedObject(entry: PackEntry, packed?: PackedObjects): Promise<StoredObject> {
  return resolveEntry(entry.pack, entry.offset, await readEntryBytes(entry), packed, 0);
}

/** A packed object's type and size: from its entry header alone, unless it is a delta. */
export async function readPackedObjectInfo(entry: PackEntry, packed?: PackedObjects): Promise<ObjectInfo> {
  // A type-and-size header of a size below 2^53 fits in 9 bytes; a REF_DELTA's base name adds 20.
  const header = parsePackEntry(await readEntryBytes(entry, 32));
  if (header.kind === 'whole') return { type: header.type, size: header.size };
  const { type, size } = await readPackedObject(entry, packed);
  return { type, size };
}

/**
 * Reads a packed object through `read`; when a seal or a merge removed its file after the entry
 * was looked up (`ENOENT`), reads it again from where the index points now.
 */
export async function readPackedWithRetry<T>(
  packed: PackedObjects,
  hash: string,
  entry: PackEntry,
  read: (entry: PackEntry, packed: PackedObjects) => Promise<T>,
): Promise<T> {
  // An object moves at most once per seal or merge; a few tries outlast any run of them.
  for (let tries = 1; ; tries++) {
    try {
      return await read(entry, packed);
    } catch (error) {
      const moved = packed.get(hash);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || moved === undefined || moved === entry || tries >= 4) throw error;
      entry = moved;
    }
  }
}
