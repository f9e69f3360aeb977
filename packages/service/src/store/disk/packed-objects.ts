import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { GovcError } from '@govc/core';
import { isHash } from '../../objects/hash.js';
import type { NewObject, ObjectInfo, StoredObject } from '../storage.js';
import type { DirectorySyncer } from './directory-syncer.js';
import { tempPath } from './durable-file.js';
import type { ObjectDirs } from './loose-object-files.js';
import { buildPack, parsePackEntry, readPackIndex, type PackEntry } from './pack-file.js';

/** Every packed object of one repository, by hash; kept in memory, filled at start-up. */
export type PackedObjects = Map<string, PackEntry>;

async function writeSynced(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx', 0o444);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

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
 * Writes the objects not yet packed as one pack + `.idx` (version 2): two file fsyncs and one
 * directory fsync for the whole group, instead of one fsync per loose object. Records them in
 * `packed` once durable.
 */
export async function putPackedObjects(dirs: ObjectDirs, objects: readonly NewObject[], syncer: DirectorySyncer, packed: PackedObjects): Promise<void> {
  const unique = new Map<string, NewObject>();
  for (const object of objects) if (!packed.has(object.hash)) unique.set(object.hash, object);
  // No check for loose copies: git accepts an object both loose and packed, and a stat per
  // object would cost more than packing the few duplicates again.
  const missing = [...unique.values()];
  if (missing.length === 0) return;
  const built = buildPack(missing);
  const packDir = join(dirs.objects, 'pack');
  const packTemp = tempPath(dirs.temp, `pack-${built.name}.pack`);
  const indexTemp = tempPath(dirs.temp, `pack-${built.name}.idx`);
  const pack = join(packDir, `pack-${built.name}.pack`);
  try {
    await Promise.all([writeSynced(packTemp, built.pack), writeSynced(indexTemp, built.index)]);
    await rename(packTemp, pack);
    await rename(indexTemp, join(packDir, `pack-${built.name}.idx`));
  } finally {
    await Promise.all([rm(packTemp, { force: true }), rm(indexTemp, { force: true })]);
  }
  await syncer.sync(packDir);
  readPackIndex(built.index, pack, built.pack.length, packed);
}

async function readEntry(entry: PackEntry, limit = Infinity): Promise<ReturnType<typeof parsePackEntry>> {
  const handle = await open(entry.pack, 'r');
  try {
    const length = Math.min(entry.end - entry.offset, limit);
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, entry.offset);
    if (bytesRead !== length) throw new GovcError('data_loss', `${entry.pack} is truncated`);
    return parsePackEntry(buffer);
  } finally {
    await handle.close();
  }
}

/** Reads and inflates one packed object. */
export async function readPackedObject(entry: PackEntry): Promise<StoredObject> {
  const { type, size, deflated } = await readEntry(entry);
  const body = inflateSync(deflated);
  if (body.length !== size) throw new GovcError('data_loss', `${entry.pack}: an entry's size does not match its header`);
  return { type, size, body };
}

/** A packed object's type and size, from its entry header alone. */
export async function readPackedObjectInfo(entry: PackEntry): Promise<ObjectInfo> {
  // A type-and-size header of a size below 2^53 fits in 9 bytes.
  const { type, size } = await readEntry(entry, 16);
  return { type, size };
}
