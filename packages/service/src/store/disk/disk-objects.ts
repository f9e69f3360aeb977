import { checkHash } from '../../validation/hash.js';
import { sliceBlob } from '../slice-blob.js';
import type { NewObject, ObjectInfo, StoredObject, WrittenBlob } from '../storage.js';
import { readBlobStream, writeBlobStream } from './blob-stream.js';
import type { DirectorySyncer } from './directory-syncer.js';
import type { DiskRepository } from './disk-repository.js';
import { hasLooseObjects, listLooseObjects, readLooseObject, readLooseObjectInfo } from './loose-object-files.js';
import { readPackedObject, readPackedObjectInfo, readPackedWithRetry } from './packed-objects.js';

// A repository's objects: packed ones (packs and the object log, indexed in `repo.packed`) and
// loose files (streamed blobs, and what git wrote). Each read looks in the index first.

/** Makes durable, as one group write with concurrent callers, the objects the repository does not hold yet. */
export async function putObjects(repo: DiskRepository, objects: readonly NewObject[]): Promise<void> {
  const fresh: NewObject[] = [];
  for (const object of objects) {
    // Checked before joining a group, so that one bad name cannot fail the others' writes.
    checkHash(object.hash, 'object hash');
    if (!repo.packed.has(object.hash)) fresh.push(object);
  }
  if (fresh.length > 0) await repo.writes.add(fresh);
}

/** An object with its content, `undefined` when the repository lacks it. */
export function readObject(repo: DiskRepository, hash: string): Promise<StoredObject | undefined> {
  const entry = repo.packed.get(hash);
  return entry ? readPackedWithRetry(repo.packed, hash, entry, readPackedObject) : readLooseObject(repo.objectDirs, hash);
}

/** An object's type and size, `undefined` when the repository lacks it. */
export function readObjectInfo(repo: DiskRepository, hash: string): Promise<ObjectInfo | undefined> {
  const entry = repo.packed.get(hash);
  return entry ? readPackedWithRetry(repo.packed, hash, entry, readPackedObjectInfo) : readLooseObjectInfo(repo.objectDirs, hash);
}

/** Which of `hashes` the repository holds, in order; only those not packed are looked up on disk. */
export async function findObjects(repo: DiskRepository, hashes: readonly string[]): Promise<boolean[]> {
  const loose = await hasLooseObjects(
    repo.objectDirs,
    hashes.filter((hash) => !repo.packed.has(hash)),
  );
  let next = 0;
  return hashes.map((hash) => repo.packed.has(hash) || loose[next++] === true);
}

/** Every object's hash, packed ones first, each once. */
export async function* listObjectHashes(repo: DiskRepository): AsyncGenerator<string> {
  yield* repo.packed.keys();
  for await (const hash of listLooseObjects(repo.objectDirs)) if (!repo.packed.has(hash)) yield hash;
}

/** Streams a blob into a loose file, durably; see `writeBlobStream`. */
export function writeBlob(
  repo: DiskRepository,
  chunks: AsyncIterable<Uint8Array>,
  declaredSize: number | undefined,
  syncer: DirectorySyncer,
): Promise<WrittenBlob> {
  return writeBlobStream(repo.objectDirs, chunks, declaredSize, syncer);
}

/** Streams a blob's content from `offset` in chunks of at most `chunkSize` bytes. */
export async function* readBlob(repo: DiskRepository, hash: string, offset: number, chunkSize: number): AsyncGenerator<Uint8Array> {
  const entry = repo.packed.get(hash);
  if (entry === undefined) {
    yield* readBlobStream(repo.objectDirs, hash, offset, chunkSize);
    return;
  }
  // Packed objects come from whole messages, so they are small enough to read at once.
  yield* sliceBlob(hash, await readPackedWithRetry(repo.packed, hash, entry, readPackedObject), offset, chunkSize);
}
