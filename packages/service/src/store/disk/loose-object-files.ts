import { mkdir, open, readdir, readFile, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { constants, inflateSync } from 'node:zlib';
import { GovcError } from '@govc/core';
import { decodeLooseObject, looseObjectPath } from '../../export/loose-object.js';
import { isObjectType } from '../../objects/object-type.js';
import type { ObjectInfo, StoredObject } from '../storage.js';
import type { DirectorySyncer } from './directory-syncer.js';

/** Where one repository's loose objects and temp files live. */
export interface ObjectDirs {
  /** `<repo>.git/objects`. */
  readonly objects: string;
  /** A directory start-up empties, for files not yet renamed into place. */
  readonly temp: string;
}

/** The path of a loose object; `looseObjectPath` refuses anything but 40 hex digits. */
export function objectFile(dirs: ObjectDirs, hash: string): string {
  return join(dirs.objects, looseObjectPath(hash));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
}

/** Whether each object is stored. */
export function hasLooseObjects(dirs: ObjectDirs, hashes: readonly string[]): Promise<boolean[]> {
  return Promise.all(hashes.map((hash) => exists(objectFile(dirs, hash))));
}

// Per repository, the fan-out directories whose own entry in `objects/` is known durable. One
// that merely exists may have just been made by a concurrent writer (another blob stream) that
// has not synced `objects/` yet; start-up knows none, since a killed process may
// have left one unsynced.
const durableFanOuts = new WeakMap<ObjectDirs, Set<string>>();

/**
 * Creates the fan-out directory of `file` if needed; unless its entry in `objects/` is known
 * durable, `objects/` joins the directories to sync.
 */
async function ensureFanOut(dirs: ObjectDirs, file: string, toSync: Set<string>): Promise<void> {
  const fanOut = dirname(file);
  if (durableFanOuts.get(dirs)?.has(fanOut) === true) return;
  try {
    await mkdir(fanOut);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  toSync.add(dirs.objects);
}

/**
 * Syncs the directories `placeObjectFile` listed: fan-outs first, as `objects/` names them and
 * they name the files; shared with concurrent writers through `syncer`.
 */
export async function syncPlaced(dirs: ObjectDirs, toSync: ReadonlySet<string>, syncer: DirectorySyncer): Promise<void> {
  const fanOuts = [...toSync].filter((dir) => dir !== dirs.objects);
  await Promise.all(fanOuts.map((dir) => syncer.sync(dir)));
  if (!toSync.has(dirs.objects)) return;
  await syncer.sync(dirs.objects);
  let known = durableFanOuts.get(dirs);
  if (known === undefined) durableFanOuts.set(dirs, (known = new Set()));
  for (const fanOut of fanOuts) known.add(fanOut);
}

/**
 * Moves a finished, fsynced temp file to its object path and records which directories must be
 * synced for it. Loose objects are immutable, so replacing an identical copy is harmless.
 */
export async function placeObjectFile(dirs: ObjectDirs, temp: string, hash: string, toSync: Set<string>): Promise<void> {
  const file = objectFile(dirs, hash);
  await ensureFanOut(dirs, file, toSync);
  await rename(temp, file);
  toSync.add(dirname(file));
}

/** Reads and inflates a whole loose object; `undefined` when it is not stored. */
export async function readLooseObject(dirs: ObjectDirs, hash: string): Promise<StoredObject | undefined> {
  const bytes = await readFile(objectFile(dirs, hash)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (bytes === undefined) return undefined;
  const { type, body } = decodeLooseObject(bytes);
  return { type, size: body.byteLength, body };
}

// Compressed bytes that always hold the inflated header, even behind a dynamic Huffman table.
const headerProbeBytes = 1024;

/** A loose object's type and size, inflating only its first bytes. */
export async function readLooseObjectInfo(dirs: ObjectDirs, hash: string): Promise<ObjectInfo | undefined> {
  let handle;
  try {
    handle = await open(objectFile(dirs, hash), 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let head: Buffer;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(headerProbeBytes), 0, headerProbeBytes, 0);
    // Z_SYNC_FLUSH inflates a prefix without complaining that the stream goes on.
    head = inflateSync(buffer.subarray(0, bytesRead), { finishFlush: constants.Z_SYNC_FLUSH });
  } finally {
    await handle.close();
  }
  const nul = head.indexOf(0);
  const match = nul < 0 ? null : /^([a-z]+) (0|[1-9]\d*)$/.exec(head.toString('latin1', 0, nul));
  const type = match?.[1] ?? '';
  if (!isObjectType(type)) throw new GovcError('data_loss', `loose object ${hash} has a malformed header`);
  return { type, size: Number(match?.[2]) };
}

/** Every stored object's hash, listed from the fan-out directories. */
export async function* listLooseObjects(dirs: ObjectDirs): AsyncGenerator<string> {
  for (const fanOut of await readdir(dirs.objects)) {
    if (!/^[0-9a-f]{2}$/.test(fanOut)) continue;
    for (const rest of await readdir(join(dirs.objects, fanOut))) {
      if (/^[0-9a-f]{38}$/.test(rest)) yield fanOut + rest;
    }
  }
}
