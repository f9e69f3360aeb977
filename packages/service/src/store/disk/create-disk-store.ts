import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GovcError } from '@govc/core';
import { KeyedLock } from '../../model/keyed-lock.js';
import { checkRepoName } from '../../validation/repo-name.js';
import { looseObjectPath } from '../../export/loose-object.js';
import type { NewObject, RefChange, RepositoryRecord, Storage } from '../storage.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import { createDirectorySyncer } from './directory-syncer.js';
import { fsyncDirectory, storageError, tempPath } from './durable-file.js';
import { createGroupCommit, type GroupCommit } from './group-commit.js';
import { readBlobStream, writeBlobStream } from './blob-stream.js';
import {
  hasLooseObjects,
  listLooseObjects,
  putLooseObjects,
  readLooseObject,
  readLooseObjectInfo,
  type ObjectDirs,
} from './loose-object-files.js';
import { loadPackedObjects, putPackedObjects, readPackedObject, readPackedObjectInfo, type PackedObjects } from './packed-objects.js';
import { readPackedRefs, writePackedRefs } from './packed-refs.js';
import { applyRefUpdates, checkRefUpdates, refsWithPrefix } from '../ref-updates.js';
import { sliceBlob } from '../slice-blob.js';
import { createRepositoryDir, readRepositoryRecord, repoTempDirName } from './repository-dir.js';

/** Options of {@link createDiskStore}. */
export interface DiskStoreOptions {
  /**
   * The data directory: `repos/<name>.git` holds each repository as a bare git repository,
   * `govc.lock` keeps a second store off it. Created if missing. Required: durable data needs a
   * place the operator chose.
   */
  readonly dataDir: string;
  /**
   * A `putObjects` group with at least this many new objects is written as one pack + `.idx`
   * (three fsyncs) instead of loose files (one fsync each); calls arriving together count as one
   * group. Default 8: below it, parallel loose writes cost about as much and leave git fewer
   * packs to consolidate.
   */
  readonly packMinObjects?: number;
}

interface DiskRepository {
  record: RepositoryRecord;
  readonly dir: string;
  readonly objectDirs: ObjectDirs;
  /** Objects in this repository's packs (the rest are loose files). */
  readonly packed: PackedObjects;
  /** Where `putObjects` calls meet, so that concurrent ones share one pack or one set of syncs. */
  readonly writes: GroupCommit<NewObject>;
  /** Every ref, as in `packed-refs`; only changed after the file was replaced durably. */
  refs: Map<string, string>;
}

const repoSuffix = '.git';

/** Empties a directory start-up owns (temp files, trash) and makes sure it exists. */
async function clearDirectory(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
}

/**
 * A durable store: each repository is a bare git repository under `<dataDir>/repos/` that stock
 * git reads (`git log`, `git fsck --strict`, `git clone`). `putObjects` calls that arrive together
 * form one group: written as one pack + `.idx` when it has `packMinObjects` objects or more,
 * else as loose files whose directory fsyncs are shared; streamed blobs are loose (deflate level
 * 0). Refs all live in `packed-refs`, replaced atomically per update. A write resolves only once
 * its bytes and directory entries are fsynced.
 *
 * Start-up takes the data-dir lock (`failed_precondition` while another live process holds
 * it) and removes what a crash may have left: temp files, half-deleted repositories, stale
 * `packed-refs.lock` files.
 */
export async function createDiskStore(options: DiskStoreOptions): Promise<Storage> {
  const dataDir = resolve(options.dataDir);
  const packMinObjects = options.packMinObjects ?? 8;
  const reposDir = join(dataDir, 'repos');
  const tempDir = join(dataDir, 'tmp');
  const trashDir = join(dataDir, 'trash');
  await mkdir(dataDir, { recursive: true });
  const lock = await acquireDataDirLock(dataDir);
  const repos = new Map<string, DiskRepository>();
  const syncer = createDirectorySyncer();

  function diskRepository(record: RepositoryRecord, dir: string, packed: PackedObjects, refs: Map<string, string>): DiskRepository {
    const objectDirs = { objects: join(dir, 'objects'), temp: join(dir, repoTempDirName) };
    const writes = createGroupCommit<NewObject>(async function writeGroup(objects) {
      const fresh = objects.filter((object) => !packed.has(object.hash));
      await (fresh.length >= packMinObjects ? putPackedObjects(objectDirs, fresh, syncer, packed) : putLooseObjects(objectDirs, fresh, syncer));
    });
    return { record, dir, objectDirs, packed, writes, refs };
  }

  try {
    await mkdir(reposDir, { recursive: true });
    await Promise.all([clearDirectory(tempDir), clearDirectory(trashDir)]);
    for (const entry of await readdir(dataDir)) {
      if (entry.includes('.tmp-')) await rm(join(dataDir, entry), { recursive: true, force: true });
    }
    for (const entry of await readdir(reposDir)) {
      const name = entry.slice(0, -repoSuffix.length);
      // Only names `checkRepoName` accepts become repositories (and paths); skip anything else.
      if (!entry.endsWith(repoSuffix) || !/^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/.test(name)) continue;
      const dir = join(reposDir, entry);
      const record = await readRepositoryRecord(dir, name);
      // Not ours (no record): leave it alone and do not serve it.
      if (record === undefined) continue;
      await clearDirectory(join(dir, repoTempDirName));
      await rm(join(dir, 'packed-refs.lock'), { force: true });
      const objectDirs = { objects: join(dir, 'objects'), temp: join(dir, repoTempDirName) };
      repos.set(name, diskRepository(record, dir, await loadPackedObjects(objectDirs), await readPackedRefs(dir)));
    }
  } catch (error) {
    await lock.release();
    throw storageError(error, `opening ${dataDir}`);
  }

  const refLocks = new KeyedLock();
  // Names being created right now: a second create of the same name must not race the first.
  const creating = new Set<string>();
  let closed = false;

  function repository(name: string): DiskRepository {
    if (closed) throw new GovcError('failed_precondition', `the store on ${dataDir} is closed`);
    const repo = repos.get(name);
    if (!repo) throw new GovcError('not_found', `repository ${JSON.stringify(name)} not found`);
    return repo;
  }

  /** Runs file work for a repository, mapping a vanished directory (deleted meanwhile) to `not_found`. */
  async function io<T>(name: string, what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !repos.has(name)) {
        throw new GovcError('not_found', `repository ${JSON.stringify(name)} was deleted`, { cause: error });
      }
      throw storageError(error, what);
    }
  }

  return {
    description: `disk (${dataDir})`,

    async createRepository(record) {
      checkRepoName(record.name);
      if (closed) throw new GovcError('failed_precondition', `the store on ${dataDir} is closed`);
      if (repos.has(record.name) || creating.has(record.name)) {
        throw new GovcError('already_exists', `repository ${JSON.stringify(record.name)} already exists`);
      }
      creating.add(record.name);
      try {
        const dir = join(reposDir, `${record.name}${repoSuffix}`);
        await createRepositoryDir(dir, record, tempPath(tempDir, record.name)).catch((error: unknown) => {
          throw storageError(error, `creating repository ${record.name}`);
        });
        repos.set(record.name, diskRepository({ ...record }, dir, new Map(), new Map()));
      } finally {
        creating.delete(record.name);
      }
    },
    async getRepository(name) {
      return repos.get(name)?.record;
    },
    async listRepositories() {
      return [...repos.values()].map((r) => r.record).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    deleteRepository(name) {
      // In turn with ref updates, so that none lands in a same-named repository created next.
      return refLocks.run(name, async function deleteRepositoryInOrder() {
        const repo = repository(name);
        repos.delete(name);
        // Rename out of repos/ first, durably: a crash then never leaves half a repository visible.
        const trash = tempPath(trashDir, name);
        try {
          await rename(repo.dir, trash);
          await fsyncDirectory(reposDir);
        } catch (error) {
          repos.set(name, repo);
          throw storageError(error, `deleting repository ${name}`);
        }
        await rm(trash, { recursive: true, force: true });
      });
    },

    async putObjects(name, objects) {
      const repo = repository(name);
      // Checked before joining a group, so that one bad name cannot fail the others' writes.
      for (const object of objects) looseObjectPath(object.hash);
      const fresh = objects.filter((object) => !repo.packed.has(object.hash));
      if (fresh.length > 0) await io(name, `writing objects to ${name}`, () => repo.writes.add(fresh));
    },
    async getObject(name, hash) {
      const repo = repository(name);
      const entry = repo.packed.get(hash);
      return io(name, `reading object ${hash}`, () => (entry ? readPackedObject(entry) : readLooseObject(repo.objectDirs, hash)));
    },
    async getObjectInfo(name, hash) {
      const repo = repository(name);
      const entry = repo.packed.get(hash);
      return io(name, `reading object ${hash}`, () => (entry ? readPackedObjectInfo(entry) : readLooseObjectInfo(repo.objectDirs, hash)));
    },
    async hasObjects(name, hashes) {
      const repo = repository(name);
      const loose = await io(name, `looking up objects in ${name}`, () =>
        hasLooseObjects(
          repo.objectDirs,
          hashes.filter((hash) => !repo.packed.has(hash)),
        ),
      );
      let next = 0;
      return hashes.map((hash) => repo.packed.has(hash) || loose[next++] === true);
    },
    async *objectHashes(name) {
      const repo = repository(name);
      yield* repo.packed.keys();
      for await (const hash of listLooseObjects(repo.objectDirs)) if (!repo.packed.has(hash)) yield hash;
    },

    async writeBlob(name, chunks, declaredSize) {
      const repo = repository(name);
      return io(name, `writing a blob to ${name}`, () => writeBlobStream(repo.objectDirs, chunks, declaredSize, syncer));
    },
    async *readBlob(name, hash, offset, chunkSize) {
      const repo = repository(name);
      const entry = repo.packed.get(hash);
      if (entry === undefined) {
        yield* readBlobStream(repo.objectDirs, hash, offset, chunkSize);
        return;
      }
      // Packed objects come from whole messages, so they are small enough to read at once.
      yield* sliceBlob(hash, await readPackedObject(entry), offset, chunkSize);
    },

    async getRef(name, ref) {
      return repository(name).refs.get(ref);
    },
    async listRefs(name, prefix) {
      return refsWithPrefix(repository(name).refs, prefix);
    },
    updateRefs(name, updates): Promise<RefChange[]> {
      return refLocks.run(name, async function updateRefsInOrder() {
        const repo = repository(name);
        checkRefUpdates(repo.refs, updates);
        const next = new Map(repo.refs);
        const changes = applyRefUpdates(next, updates);
        await io(name, `updating refs of ${name}`, () => writePackedRefs(repo.dir, next));
        repo.refs = next;
        return changes;
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      repos.clear();
      await lock.release();
    },
  };
}
