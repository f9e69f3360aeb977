import { GovcError } from '@govc/core';
import { KeyedLock } from '../../util/keyed-lock.js';
import { checkRepoName } from '../../validation/repo-name.js';
import { RefSeqStart } from '../ref-seq.js';
import { refsWithPrefix } from '../ref-updates.js';
import type {
  NewObject,
  ObjectInfo,
  OutcomeRecord,
  RefChange,
  RefHistory,
  RefUpdate,
  RepositoryRecord,
  Storage,
  StoredObject,
  StoreUsage,
  WrittenBlob,
} from '../storage.js';
import type { DataDirLock } from './data-dir-lock.js';
import { createDirectorySyncer } from './directory-syncer.js';
import { findObjects, listObjectHashes, putObjects, readBlob, readObject, readObjectInfo, writeBlob } from './disk-objects.js';
import { closeDiskRepositories, createDiskRepository, type DiskRepository } from './disk-repository.js';
import type { ResolvedDiskStoreOptions } from './disk-store-options.js';
import { storageError } from './durable-file.js';
import { stepRefs } from './ref-step.js';
import { emptyTrash, moveToTrash } from './trash-repository.js';

/**
 * The disk store once started (see `createDiskStore`): the repositories it opened, by name, and
 * what keeps their writes in order. The file work of each part lives beside it: opening and
 * creating in disk-repository.ts, objects in disk-objects.ts, ref steps in ref-step.ts,
 * deletion in trash-repository.ts.
 */
export class DiskStore implements Storage {
  readonly description: string;
  readonly durable = true;
  readonly #options: ResolvedDiskStoreOptions;
  readonly #lock: DataDirLock;
  readonly #repos: Map<string, DiskRepository>;
  readonly #seqStart = new RefSeqStart();
  readonly #syncer = createDirectorySyncer();
  /** Each repository's ref steps, and its deletion, one at a time. */
  readonly #refLocks = new KeyedLock();
  /** Names being created right now: a second create of the same name must not race the first. */
  readonly #creating = new Set<string>();
  /** Names being deleted right now: created again only once the old files are gone. */
  readonly #deleting = new Set<string>();
  /** Writes `close()` waits for, so that none is cut off half-way by the lock's release. */
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;

  /** Takes over the data directory's lock and the repositories start-up opened. */
  constructor(options: ResolvedDiskStoreOptions, lock: DataDirLock, repos: Map<string, DiskRepository>) {
    this.description = `disk (${options.dataDir})`;
    this.#options = options;
    this.#lock = lock;
    this.#repos = repos;
  }

  usage(): StoreUsage {
    // The bytes on disk would take a walk of every repository: left to the file system's tools.
    return { repositories: this.#repos.size, bytes: undefined, limitBytes: undefined };
  }

  createRepository(record: RepositoryRecord, outcomes: readonly OutcomeRecord[] = []): Promise<void> {
    return this.#waitedForByClose(this.#createRepository(record, outcomes));
  }

  async getRepository(name: string): Promise<RepositoryRecord | undefined> {
    return this.#repos.get(name)?.record;
  }

  async listRepositories(): Promise<RepositoryRecord[]> {
    return [...this.#repos.values()].map((r) => r.record).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  deleteRepository(name: string): Promise<void> {
    return this.#waitedForByClose(this.#deleteRepository(name));
  }

  putObjects(name: string, objects: readonly NewObject[]): Promise<void> {
    return this.#waitedForByClose(this.#onRepository(name, `writing objects to ${name}`, (repo) => putObjects(repo, objects)));
  }

  getObject(name: string, hash: string): Promise<StoredObject | undefined> {
    return this.#onRepository(name, `reading object ${hash}`, (repo) => readObject(repo, hash));
  }

  getObjectInfo(name: string, hash: string): Promise<ObjectInfo | undefined> {
    return this.#onRepository(name, `reading object ${hash}`, (repo) => readObjectInfo(repo, hash));
  }

  hasObjects(name: string, hashes: readonly string[]): Promise<boolean[]> {
    return this.#onRepository(name, `looking up objects in ${name}`, (repo) => findObjects(repo, hashes));
  }

  async *objectHashes(name: string): AsyncGenerator<string> {
    yield* listObjectHashes(this.#repository(name));
  }

  writeBlob(name: string, chunks: AsyncIterable<Uint8Array>, declaredSize: number | undefined): Promise<WrittenBlob> {
    return this.#waitedForByClose(
      this.#onRepository(name, `writing a blob to ${name}`, (repo) => writeBlob(repo, chunks, declaredSize, this.#syncer)),
    );
  }

  async *readBlob(name: string, hash: string, offset: number, chunkSize: number): AsyncGenerator<Uint8Array> {
    yield* readBlob(this.#repository(name), hash, offset, chunkSize);
  }

  async getRef(name: string, ref: string): Promise<string | undefined> {
    return this.#repository(name).refs.get(ref);
  }

  async listRefs(name: string, prefix: string): Promise<{ name: string; hash: string }[]> {
    return refsWithPrefix(this.#repository(name).refs, prefix);
  }

  updateRefs(name: string, updates: readonly RefUpdate[], outcomes: readonly OutcomeRecord[] = []): Promise<RefChange[]> {
    return this.#waitedForByClose(this.#updateRefs(name, updates, outcomes));
  }

  async refHistory(name: string, limit: number): Promise<RefHistory> {
    this.#repository(name);
    // Between steps, so that the journal's changes end at the count.
    return this.#refLocks.run(name, () => this.#readRefHistory(name, limit));
  }

  async outcomeRecords(name: string): Promise<OutcomeRecord[]> {
    const now = Date.now();
    return [...this.#repository(name).outcomes.values()].filter((outcome) => outcome.expiresAt > now);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    await closeDiskRepositories([...this.#repos.values()]);
    this.#repos.clear();
    await this.#lock.release();
  }

  async #createRepository(record: RepositoryRecord, outcomes: readonly OutcomeRecord[]): Promise<void> {
    checkRepoName(record.name);
    this.#checkOpen();
    if (this.#deleting.has(record.name))
      throw new GovcError('aborted', `repository ${JSON.stringify(record.name)} is being deleted; try again`);
    if (this.#repos.has(record.name) || this.#creating.has(record.name)) {
      throw new GovcError('already_exists', `repository ${JSON.stringify(record.name)} already exists`);
    }
    this.#creating.add(record.name);
    try {
      const now = Date.now();
      this.#repos.set(record.name, await createDiskRepository(record, outcomes, this.#seqStart.next(now), now, this.#options));
    } finally {
      this.#creating.delete(record.name);
    }
  }

  async #deleteRepository(name: string): Promise<void> {
    this.#repository(name);
    // In turn with ref updates, so that none lands in a same-named repository created next.
    return this.#refLocks.run(name, () => this.#deleteInOrder(name));
  }

  async #deleteInOrder(name: string): Promise<void> {
    const repo = this.#stillThere(name);
    this.#repos.delete(name);
    this.#seqStart.retire(repo.lastSeq);
    // Until the files are gone, the name cannot be created again: a write still under way
    // must not land in the new repository's directory.
    this.#deleting.add(name);
    try {
      let trash: string;
      try {
        trash = await moveToTrash(repo, this.#options);
      } catch (error) {
        // Still there, and still served as it was.
        this.#repos.set(name, repo);
        throw error;
      }
      await emptyTrash(repo, trash);
    } finally {
      this.#deleting.delete(name);
    }
  }

  async #updateRefs(name: string, updates: readonly RefUpdate[], outcomes: readonly OutcomeRecord[]): Promise<RefChange[]> {
    const pending = this.#repository(name);
    // Git reads only packs and loose files: what the refs name must be packed before it sees
    // them. Sealed before the ref lock, so that concurrent ref steps share one seal.
    if (updates.some((update) => update.newHash !== ''))
      await this.#io(name, `packing the object log of ${name}`, () => pending.log.seal());
    return this.#refLocks.run(name, () => this.#updateRefsInOrder(name, updates, outcomes));
  }

  async #updateRefsInOrder(name: string, updates: readonly RefUpdate[], outcomes: readonly OutcomeRecord[]): Promise<RefChange[]> {
    const repo = this.#stillThere(name);
    return this.#io(name, `updating refs of ${name}`, () => stepRefs(repo, updates, outcomes));
  }

  async #readRefHistory(name: string, limit: number): Promise<RefHistory> {
    const repo = this.#stillThere(name);
    const recent = await this.#io(name, `reading the ref journal of ${name}`, () => repo.journal.recentChanges(limit));
    return { lastSeq: repo.lastSeq, recent };
  }

  #checkOpen(): void {
    if (this.#closed) throw new GovcError('failed_precondition', `the store on ${this.#options.dataDir} is closed`);
  }

  /** The repository, for new work: `failed_precondition` once the store is closed, `not_found` when there is none. */
  #repository(name: string): DiskRepository {
    this.#checkOpen();
    return this.#stillThere(name);
  }

  /** The repository, for work accepted before `close()` began (which waits for it). */
  #stillThere(name: string): DiskRepository {
    const repo = this.#repos.get(name);
    if (!repo) throw new GovcError('not_found', `repository ${JSON.stringify(name)} not found`);
    return repo;
  }

  /** Runs new file work on the repository `name`, as `#io` does. */
  async #onRepository<T>(name: string, what: string, work: (repo: DiskRepository) => Promise<T>): Promise<T> {
    const repo = this.#repository(name);
    return this.#io(name, what, () => work(repo));
  }

  /** Runs file work for a repository, mapping a vanished directory (deleted meanwhile) to `not_found`. */
  async #io<T>(name: string, what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !this.#repos.has(name)) {
        throw new GovcError('not_found', `repository ${JSON.stringify(name)} was deleted`, { cause: error });
      }
      throw storageError(error, what);
    }
  }

  /** Tracks a write until it settles, for `close()` to wait for; returns it. */
  #waitedForByClose<T>(write: Promise<T>): Promise<T> {
    this.#inFlight.add(write);
    write.then(
      () => this.#inFlight.delete(write),
      () => this.#inFlight.delete(write),
    );
    return write;
  }
}
