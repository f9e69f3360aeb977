import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GovcError } from '@govc/core';
import { KeyedLock } from '../../model/keyed-lock.js';
import { checkRepoName } from '../../validation/repo-name.js';
import { checkHash } from '../../validation/hash.js';
import type { NewObject, OutcomeRecord, RefChange, RepositoryRecord, Storage } from '../storage.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import { createDirectorySyncer } from './directory-syncer.js';
import { fsyncDirectory, storageError, tempPath } from './durable-file.js';
import { createGroupCommit, type GroupCommit } from './group-commit.js';
import { readBlobStream, writeBlobStream } from './blob-stream.js';
import {
  hasLooseObjects,
  listLooseObjects,
  readLooseObject,
  readLooseObjectInfo,
  type ObjectDirs,
} from './loose-object-files.js';
import { ObjectLog, type ObjectLogOptions } from './object-log.js';
import { loadPackedObjects, readPackedObject, readPackedObjectInfo, readPackedWithRetry, type PackedObjects } from './packed-objects.js';
import { createPackConsolidator, type ConsolidationOptions, type PackConsolidator } from './pack-consolidation.js';
import { readPackedRefs, writePackedRefs } from './packed-refs.js';
import { journalSnapshot, RefJournal, type JournalState } from './ref-journal.js';
import { RefSeqStart } from '../ref-seq.js';
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
  /** When the object log, where `putObjects` makes objects durable, is packed. Defaults: at 8 MiB, or after 200 ms without writes. */
  readonly objectLog?: ObjectLogOptions;
  /**
   * Background merging of the small packs group writes leave. Defaults: look every 8 packs once
   * writes pause for 500 ms, merge once 16 packs under 8 MiB are there, at most 64 MiB at a time.
   */
  readonly consolidation?: ConsolidationOptions;
}

interface DiskRepository {
  record: RepositoryRecord;
  readonly dir: string;
  readonly objectDirs: ObjectDirs;
  /** Objects in this repository's packs and object log (the rest are loose files). */
  readonly packed: PackedObjects;
  /** Merges the small packs that group writes leave, in the background. */
  readonly consolidator: PackConsolidator;
  /** Where `putObjects` objects become durable, as log frames, until packed. */
  readonly log: ObjectLog;
  /** Where `putObjects` calls meet, so that concurrent ones share one log write. */
  readonly writes: GroupCommit<NewObject>;
  /** Where ref steps and the outcomes guarding them become durable. */
  readonly journal: RefJournal;
  /** Every ref; replaced only once a step is in the journal. */
  refs: Map<string, string>;
  /** Outcome records kept with the ref steps, by id, oldest first. */
  readonly outcomes: Map<string, OutcomeRecord>;
  /** The `seq` of the latest ref change in the journal. */
  lastSeq: number;
  /** `packed-refs` failed to follow the journal; the next step or start-up rewrites it. */
  packedRefsBehind: boolean;
}

const repoSuffix = '.git';

/** Outcome records kept per repository at most, as the service's idempotency memory keeps by default. */
const maxOutcomesPerRepository = 10_000;

/**
 * Adds a step's outcome records to `kept` (a record replaces one of the same id), then drops
 * expired ones and, past the bound, the oldest (a retry then runs again, as when the service's
 * memory forgets). Returns `kept`.
 */
function keepOutcomes(kept: Map<string, OutcomeRecord>, added: readonly OutcomeRecord[], now: number): Map<string, OutcomeRecord> {
  if (added.length === 0) return kept;
  for (const outcome of added) {
    kept.delete(outcome.id);
    kept.set(outcome.id, outcome);
  }
  // Oldest first, and records expire in the order they were made.
  for (const [id, outcome] of kept) {
    if (kept.size <= maxOutcomesPerRepository && outcome.expiresAt > now) break;
    kept.delete(id);
  }
  return kept;
}

/** Empties a directory start-up owns (temp files, trash) and makes sure it exists. */
async function clearDirectory(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
}

/**
 * A durable store: each repository is a bare git repository under `<dataDir>/repos/` that stock
 * git reads (`git log`, `git fsck --strict`, `git clone`). `putObjects` calls that arrive together
 * form one group, made durable as one frame of the repository's object log (one write, one
 * sync); the log is packed into a pack + `.idx` in the background, before any ref step, and at
 * close. Streamed blobs are loose files (deflate level 0). The ref journal is the truth of refs;
 * `packed-refs`, which git reads, follows it. A write resolves only once its bytes and the
 * directory entries naming them are synced.
 *
 * Start-up takes the data-dir lock (`failed_precondition` while another live process holds
 * it), removes what a crash may have left (temp files, half-deleted repositories, stale
 * `packed-refs.lock` files) and packs what the object logs hold.
 */
export async function createDiskStore(options: DiskStoreOptions): Promise<Storage> {
  const dataDir = resolve(options.dataDir);
  const reposDir = join(dataDir, 'repos');
  const tempDir = join(dataDir, 'tmp');
  const trashDir = join(dataDir, 'trash');
  await mkdir(dataDir, { recursive: true });
  const lock = await acquireDataDirLock(dataDir);
  const repos = new Map<string, DiskRepository>();
  const seqStart = new RefSeqStart();
  const syncer = createDirectorySyncer();

  /** A repository's in-memory state; opening its object log packs what a crash left there. */
  async function diskRepository(record: RepositoryRecord, dir: string, journal: RefJournal, state: JournalState): Promise<DiskRepository> {
    const objectDirs = { objects: join(dir, 'objects'), temp: join(dir, repoTempDirName) };
    const packed = await loadPackedObjects(objectDirs);
    // Consolidation only saves git (and start-up) from many small packs: a failed one leaves
    // every object readable where it was, and a later one tries again.
    const consolidator = createPackConsolidator(objectDirs, packed, options.consolidation ?? {}, function consolidationFailed() {});
    const log = await ObjectLog.open(dir, objectDirs, packed, options.objectLog ?? {}, () => consolidator.packWritten());
    // Each caller left out what was stored when it joined; what got stored since is rare, and
    // logged again harmlessly rather than looked up once more per object. One write at a time:
    // a log write takes one sync, and the next group gathers meanwhile.
    const writes = createGroupCommit<NewObject>((objects) => log.append(objects), { maxFlushes: 1 });
    return { record, dir, objectDirs, packed, log, writes, consolidator, journal, refs: state.refs, outcomes: state.outcomes, lastSeq: state.lastSeq, packedRefsBehind: false };
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
      const { journal, state } = await RefJournal.open(dir, () => readPackedRefs(dir), Date.now());
      const repo = await diskRepository(record, dir, journal, state);
      // `packed-refs` may lag the journal after a crash: git must see what the journal says
      // (now that the object log, which may hold what it names, is packed).
      await writePackedRefs(dir, state.refs, true);
      repos.set(name, repo);
    }
  } catch (error) {
    await lock.release();
    throw storageError(error, `opening ${dataDir}`);
  }

  const refLocks = new KeyedLock();
  // Names being created right now: a second create of the same name must not race the first.
  const creating = new Set<string>();
  // Names being deleted right now: created again only once the old files are gone.
  const deleting = new Set<string>();
  let closed = false;

  function repository(name: string): DiskRepository {
    if (closed) throw new GovcError('failed_precondition', `the store on ${dataDir} is closed`);
    return stillThere(name);
  }

  /** The repository, for work accepted before `close()` began (which waits for it). */
  function stillThere(name: string): DiskRepository {
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

  // Writes close() waits for, so that none is cut off half-way by the lock's release.
  const inFlight = new Set<Promise<unknown>>();
  function waitedForByClose<A extends unknown[], R>(write: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return function trackedWrite(...args: A): Promise<R> {
      const done = write(...args);
      inFlight.add(done);
      done.then(
        () => inFlight.delete(done),
        () => inFlight.delete(done),
      );
      return done;
    };
  }

  const store: Storage = {
    description: `disk (${dataDir})`,
    durable: true,
    usage() {
      // The bytes on disk would take a walk of every repository: left to the file system's tools.
      return { repositories: repos.size, bytes: undefined, limitBytes: undefined };
    },

    async createRepository(record, outcomes = []) {
      checkRepoName(record.name);
      if (closed) throw new GovcError('failed_precondition', `the store on ${dataDir} is closed`);
      if (deleting.has(record.name)) throw new GovcError('aborted', `repository ${JSON.stringify(record.name)} is being deleted; try again`);
      if (repos.has(record.name) || creating.has(record.name)) {
        throw new GovcError('already_exists', `repository ${JSON.stringify(record.name)} already exists`);
      }
      creating.add(record.name);
      try {
        const dir = join(reposDir, `${record.name}${repoSuffix}`);
        const now = Date.now();
        const initial: JournalState = { refs: new Map(), outcomes: new Map(outcomes.map((o) => [o.id, o])), lastSeq: seqStart.next(now) };
        const { journal, state } = await (async () => {
          await createRepositoryDir(dir, record, tempPath(tempDir, record.name), journalSnapshot(initial, now));
          return RefJournal.open(dir, async () => new Map(), now);
        })().catch((error: unknown) => {
          throw storageError(error, `creating repository ${record.name}`);
        });
        repos.set(record.name, await diskRepository({ ...record }, dir, journal, state));
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
    async deleteRepository(name) {
      // In turn with ref updates, so that none lands in a same-named repository created next.
      repository(name);
      return refLocks.run(name, async function deleteRepositoryInOrder() {
        const repo = stillThere(name);
        repos.delete(name);
        seqStart.retire(repo.lastSeq);
        // Until the files are gone, the name cannot be created again: a write still under way
        // must not land in the new repository's directory.
        deleting.add(name);
        try {
          // Writes and seals under way finish; later ones fail not_found, as for a deleted repository.
          await repo.log.stop(new GovcError('not_found', `repository ${JSON.stringify(name)} was deleted`));
          await repo.consolidator.idle();
          // Rename out of repos/ first, durably: a crash then never leaves half a repository visible.
          const trash = tempPath(trashDir, name);
          try {
            await rename(repo.dir, trash);
            await fsyncDirectory(reposDir);
          } catch (error) {
            // Still there, and still served as it was.
            repo.log.resume();
            repos.set(name, repo);
            throw storageError(error, `deleting repository ${name}`);
          }
          await repo.log.abandon();
          await repo.journal.close().catch(() => undefined);
          await rm(trash, { recursive: true, force: true });
        } finally {
          deleting.delete(name);
        }
      });
    },

    async putObjects(name, objects) {
      const repo = repository(name);
      const fresh: NewObject[] = [];
      for (const object of objects) {
        // Checked before joining a group, so that one bad name cannot fail the others' writes.
        checkHash(object.hash, 'object hash');
        if (!repo.packed.has(object.hash)) fresh.push(object);
      }
      if (fresh.length > 0) await io(name, `writing objects to ${name}`, () => repo.writes.add(fresh));
    },
    async getObject(name, hash) {
      const repo = repository(name);
      const entry = repo.packed.get(hash);
      return io(name, `reading object ${hash}`, () => (entry ? readPackedWithRetry(repo.packed, hash, entry, readPackedObject) : readLooseObject(repo.objectDirs, hash)));
    },
    async getObjectInfo(name, hash) {
      const repo = repository(name);
      const entry = repo.packed.get(hash);
      return io(name, `reading object ${hash}`, () => (entry ? readPackedWithRetry(repo.packed, hash, entry, readPackedObjectInfo) : readLooseObjectInfo(repo.objectDirs, hash)));
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
      yield* sliceBlob(hash, await readPackedWithRetry(repo.packed, hash, entry, readPackedObject), offset, chunkSize);
    },

    async getRef(name, ref) {
      return repository(name).refs.get(ref);
    },
    async listRefs(name, prefix) {
      return refsWithPrefix(repository(name).refs, prefix);
    },
    async updateRefs(name, updates, outcomes = []): Promise<RefChange[]> {
      const pending = repository(name);
      // Git reads only packs and loose files: what the refs name must be packed before it sees
      // them. Sealed before the ref lock, so that concurrent ref steps share one seal.
      if (updates.some((update) => update.newHash !== '')) await io(name, `packing the object log of ${name}`, () => pending.log.seal());
      return refLocks.run(name, async function updateRefsInOrder() {
        const repo = stillThere(name);
        checkRefUpdates(repo.refs, updates);
        const next = new Map(repo.refs);
        const changes = applyRefUpdates(next, updates, repo.lastSeq);
        if (changes.length === 0 && outcomes.length === 0) return changes;
        const now = Date.now();
        const lastSeq = repo.lastSeq + changes.length;
        const after = (): JournalState => ({ refs: next, outcomes: keepOutcomes(new Map(repo.outcomes), outcomes, now), lastSeq });
        await io(name, `updating refs of ${name}`, () => repo.journal.append(changes, outcomes, after, now));
        // Durable from here on: what follows only shows the step to git.
        repo.refs = next;
        repo.lastSeq = lastSeq;
        keepOutcomes(repo.outcomes, outcomes, now);
        if (changes.length > 0 || repo.packedRefsBehind) {
          repo.packedRefsBehind = await writePackedRefs(repo.dir, next, false).then(
            () => false,
            () => true,
          );
        }
        return changes;
      });
    },
    async refHistory(name, limit) {
      repository(name);
      // Between steps, so that the journal's changes end at the count.
      return refLocks.run(name, async function readRefHistory() {
        const repo = stillThere(name);
        const recent = await io(name, `reading the ref journal of ${name}`, () => repo.journal.recentChanges(limit));
        return { lastSeq: repo.lastSeq, recent };
      });
    },
    async outcomeRecords(name) {
      const now = Date.now();
      return [...repository(name).outcomes.values()].filter((outcome) => outcome.expiresAt > now);
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...inFlight]);
      await Promise.all([...repos.values()].map((repo) => repo.log.close()));
      await Promise.all([...repos.values()].map((repo) => repo.consolidator.idle()));
      await Promise.all([...repos.values()].map((repo) => repo.journal.close().catch(() => undefined)));
      repos.clear();
      await lock.release();
    },
  };
  return {
    ...store,
    createRepository: waitedForByClose(store.createRepository),
    deleteRepository: waitedForByClose(store.deleteRepository),
    putObjects: waitedForByClose(store.putObjects),
    writeBlob: waitedForByClose(store.writeBlob),
    updateRefs: waitedForByClose(store.updateRefs),
  };
}
