import { GovcError } from '@govc/core';
import { optionValue } from '@govc/core/protocol';
import { createObjectHasher, hashObject } from '../objects/hash.js';
import type { ObjectType } from '../objects/object-type.js';
import { RefSeqStart } from './ref-seq.js';
import { applyRefUpdates, checkRefUpdates, refsWithPrefix } from './ref-updates.js';
import { sliceBlob } from './slice-blob.js';
import { Slab } from './slab.js';
import type { NewObject, ObjectInfo, RefChange, RefUpdate, RepositoryRecord, Storage, StoredObject, WrittenBlob } from './storage.js';

export interface MemoryStoreOptions {
  /**
   * Bytes of object content (plus a small per-object overhead) the store may hold; writes beyond
   * it fail `resource_exhausted`. Default 1 GiB: generous for a dev server, yet bounded.
   */
  readonly memoryLimit?: number;
}

// What one stored object costs beyond its bytes (map entry, record, hash string), roughly.
const perObjectOverhead = 160;

interface MemoryRepository {
  readonly record: RepositoryRecord;
  /** Where this repository's small objects are copied to; freed with the repository. */
  readonly slab: Slab;
  readonly objects: Map<string, StoredObject>;
  readonly refs: Map<string, string>;
  /** The `seq` of the latest ref change. */
  lastSeq: number;
  bytes: number;
}

/** Copies bytes into memory of their own: decoded inputs are often views into larger buffers. */
function own(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** The memory one upload in progress holds against the store's limit. */
interface UploadHold {
  /** Holds `bytes` more, or throws `resource_exhausted` when they do not fit. */
  grow(bytes: number): void;
  /** Gives back everything held (again: nothing). */
  release(): void;
}

/**
 * The embedded store: everything in memory, bounded by `memoryLimit`. It copies every byte it
 * keeps (a msgpackr `bin` or a small `Buffer.from(base64)` is a view into a larger buffer that
 * keeping would pin), small objects into per-repository slabs. Reads hand out its own bytes,
 * which callers must not modify (the service copies what it returns to clients).
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Storage {
  const memoryLimit = optionValue('memoryLimit', options.memoryLimit, 1024 ** 3, { min: 0, integer: true });
  const repos = new Map<string, MemoryRepository>();
  const seqStart = new RefSeqStart();
  let usedBytes = 0;
  /** Bytes that uploads in progress hold (see `openHold`). */
  let heldBytes = 0;

  function repository(name: string): MemoryRepository {
    const repo = repos.get(name);
    if (!repo) throw new GovcError('not_found', `repository ${JSON.stringify(name)} not found`);
    return repo;
  }

  function limitReached(): GovcError {
    return new GovcError('resource_exhausted', `memory limit of ${memoryLimit} bytes reached`, { limit: 'memory' });
  }

  /** Throws `resource_exhausted` unless `bytes` more fit beside what is kept and what uploads hold. */
  function checkRoom(bytes: number): void {
    if (usedBytes + heldBytes + bytes > memoryLimit) throw limitReached();
  }

  function reserve(repo: MemoryRepository, bytes: number): void {
    checkRoom(bytes);
    usedBytes += bytes;
    repo.bytes += bytes;
  }

  function put(repo: MemoryRepository, hash: string, type: ObjectType, body: Uint8Array): void {
    if (repo.objects.has(hash)) return;
    reserve(repo, body.byteLength + perObjectOverhead);
    repo.objects.set(hash, { type, size: body.byteLength, body });
  }

  /**
   * The memory an upload in progress holds, counted against the limit as it grows (so that
   * concurrent uploads cannot each pass a check that none of them has filled yet), and given
   * back when the upload ends, just before what it stored is counted as kept.
   */
  function openHold(): UploadHold {
    let held = 0;
    return {
      grow(bytes) {
        checkRoom(bytes);
        held += bytes;
        heldBytes += bytes;
      },
      release() {
        heldBytes -= held;
        held = 0;
      },
    };
  }

  /** A blob of declared size, copied once into its final buffer and hashed as it arrives. */
  async function receiveBlob(
    chunks: AsyncIterable<Uint8Array>,
    declaredSize: number,
    hold: UploadHold,
  ): Promise<{ hash: string; body: Uint8Array }> {
    const hasher = createObjectHasher('blob', declaredSize);
    hold.grow(declaredSize + perObjectOverhead);
    const body = new Uint8Array(declaredSize);
    for await (const chunk of chunks) {
      const at = hasher.received;
      hasher.update(chunk); // throws past the declared size, before the copy could overflow
      body.set(chunk, at);
    }
    return { hash: hasher.digest(), body };
  }

  /** A blob of unknown size: its chunks are copied (they may be views into larger buffers), then joined. */
  async function collectBlob(chunks: AsyncIterable<Uint8Array>, hold: UploadHold): Promise<{ hash: string; body: Uint8Array }> {
    const parts: Uint8Array[] = [];
    let size = 0;
    hold.grow(perObjectOverhead);
    for await (const chunk of chunks) {
      size += chunk.byteLength;
      hold.grow(chunk.byteLength);
      parts.push(own(chunk));
    }
    const body = new Uint8Array(size);
    let offset = 0;
    for (const part of parts) {
      body.set(part, offset);
      offset += part.byteLength;
    }
    return { hash: hashObject('blob', body), body };
  }

  return {
    get description() {
      return `memory (limit ${memoryLimit} bytes, ${usedBytes} used)`;
    },
    durable: false,
    usage() {
      return { repositories: repos.size, bytes: usedBytes, limitBytes: memoryLimit };
    },

    async createRepository(record) {
      if (repos.has(record.name)) throw new GovcError('already_exists', `repository ${JSON.stringify(record.name)} already exists`);
      repos.set(record.name, {
        record: { ...record },
        slab: new Slab(),
        objects: new Map(),
        refs: new Map(),
        lastSeq: seqStart.next(Date.now()),
        bytes: 0,
      });
    },
    async getRepository(name) {
      return repos.get(name)?.record;
    },
    async listRepositories() {
      return [...repos.values()].map((r) => r.record).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    async deleteRepository(name) {
      const repo = repository(name);
      repos.delete(name);
      seqStart.retire(repo.lastSeq);
      usedBytes -= repo.bytes;
    },

    async putObjects(name, objects: readonly NewObject[]) {
      const repo = repository(name);
      let needed = 0;
      for (const object of objects) if (!repo.objects.has(object.hash)) needed += object.body.byteLength + perObjectOverhead;
      // All or nothing: check the whole group against the limit before keeping any of it.
      checkRoom(needed);
      for (const object of objects) if (!repo.objects.has(object.hash)) put(repo, object.hash, object.type, repo.slab.copy(object.body));
    },
    async getObject(name, hash) {
      const object = repository(name).objects.get(hash);
      return object;
    },
    async getObjectInfo(name, hash): Promise<ObjectInfo | undefined> {
      const object = repository(name).objects.get(hash);
      return object && { type: object.type, size: object.size };
    },
    async hasObjects(name, hashes) {
      const { objects } = repository(name);
      return hashes.map((hash) => objects.has(hash));
    },

    async *objectHashes(name) {
      yield* [...repository(name).objects.keys()];
    },

    async writeBlob(name, chunks, declaredSize): Promise<WrittenBlob> {
      const repo = repository(name);
      const hold = openHold();
      try {
        const { hash, body } = declaredSize === undefined ? await collectBlob(chunks, hold) : await receiveBlob(chunks, declaredSize, hold);
        if (!repos.has(name)) throw new GovcError('not_found', `repository ${JSON.stringify(name)} was deleted`);
        hold.release();
        put(repo, hash, 'blob', body);
        return { hash, size: body.byteLength };
      } finally {
        hold.release();
      }
    },
    async *readBlob(name, hash, offset, chunkSize) {
      yield* sliceBlob(hash, repository(name).objects.get(hash), offset, chunkSize);
    },

    async getRef(name, ref) {
      return repository(name).refs.get(ref);
    },
    async listRefs(name, prefix) {
      return refsWithPrefix(repository(name).refs, prefix);
    },
    async updateRefs(name, updates: readonly RefUpdate[]): Promise<RefChange[]> {
      const repo = repository(name);
      checkRefUpdates(repo.refs, updates);
      const changes = applyRefUpdates(repo.refs, updates, repo.lastSeq);
      repo.lastSeq += changes.length;
      return changes;
    },
    async refHistory(name) {
      // Nothing outlives the process here: a resume from before it is out of range (see firstRefSeq).
      return { lastSeq: repository(name).lastSeq, recent: [] };
    },
    async outcomeRecords(name) {
      repository(name);
      // Outcomes live in the service's idempotency memory, which ends with the process as this store does.
      return [];
    },

    async close() {
      repos.clear();
      usedBytes = 0;
    },
  };
}
