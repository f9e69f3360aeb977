import type { ObjectType } from '../objects/object-type.js';

/** A repository's own facts, as a store keeps them. */
export interface RepositoryRecord {
  readonly name: string;
  /** The default branch's short name, `main`. */
  readonly defaultBranch: string;
  /** Unix milliseconds. */
  readonly createdAt: number;
}

/** A git object to write: its hash was computed by the caller from `type` and `body`. */
export interface NewObject {
  readonly hash: string;
  readonly type: ObjectType;
  /** The object's content without git's `<type> <size>\0` header. The store copies what it keeps. */
  readonly body: Uint8Array;
}

/** A stored object's kind and size, without its content. */
export interface ObjectInfo {
  readonly type: ObjectType;
  readonly size: number;
}

/** A stored object with its content. Callers must not modify `body`. */
export interface StoredObject extends ObjectInfo {
  readonly body: Uint8Array;
}

/** One ref change of an atomic compare-and-swap. */
export interface RefUpdate {
  /** Full ref name. */
  readonly name: string;
  /** The ref's new target; `""` deletes the ref. */
  readonly newHash: string;
  /** The target the ref must have now; `""` means it must not exist. */
  readonly expectedOldHash: string;
}

/** A ref change that took effect, in the order the store applied it. */
export interface RefChange {
  /**
   * The change's number in its repository: each change is one more than the one before, and a
   * durable store keeps the count across restarts (WatchRefs resumes by it; see `firstRefSeq`).
   */
  readonly seq: number;
  readonly name: string;
  /** `""` when the ref was created. */
  readonly oldHash: string;
  /** `""` when the ref was deleted. */
  readonly newHash: string;
}

/** See `Storage.refHistory`. */
export interface RefHistory {
  /** The `seq` of the repository's latest change (its first minus one before any). */
  readonly lastSeq: number;
  /** Changes up to `lastSeq`, oldest first, contiguous. */
  readonly recent: readonly RefChange[];
}

/**
 * A call's remembered outcome (idempotency), opaque to the store. A durable store keeps it in the
 * same atomic step as the ref move it guards, so that a retry after a crash still finds it.
 */
export interface OutcomeRecord {
  /** The idempotency scope (caller, repository, method, key); a later record of the same id replaces it. */
  readonly id: string;
  /** Unix milliseconds after which the record may be dropped. */
  readonly expiresAt: number;
  /** The encoded outcome. */
  readonly data: Uint8Array;
}

/** How much a store holds, for metrics; what a store cannot tell cheaply is `undefined`. */
export interface StoreUsage {
  readonly repositories: number;
  /** Bytes of content held (the memory store's count against its limit). */
  readonly bytes: number | undefined;
  readonly limitBytes: number | undefined;
}

/** What a streamed blob write produced. */
export interface WrittenBlob {
  readonly hash: string;
  readonly size: number;
}

/**
 * Where the service keeps repositories, objects and refs. Implemented in memory
 * (`createMemoryStore`) and, durable, on disk. Every method is async so that a store may do
 * I/O; every failure is a `GovcError` (`not_found` for a missing repository, `aborted` for a
 * failed compare-and-swap, `resource_exhausted` when a limit is hit).
 *
 * Writes are group-friendly: `putObjects` takes many objects at once so that a durable store
 * can make them all durable with one sync, and `updateRefs` moves many refs in one atomic step.
 */
export interface Storage {
  /** A short description for banners and logs, e.g. `memory (limit 1 GiB)`. */
  readonly description: string;
  /** What it holds now, cheaply read (for `/metrics`). */
  usage(): StoreUsage;
  /**
   * Whether what it stores outlives the process. Only such a store keeps outcome records, so
   * the service makes them only for it.
   */
  readonly durable: boolean;

  /** `outcomes` become durable with the repository (a durable store keeps them; memory need not). */
  createRepository(record: RepositoryRecord, outcomes?: readonly OutcomeRecord[]): Promise<void>;
  getRepository(name: string): Promise<RepositoryRecord | undefined>;
  listRepositories(): Promise<RepositoryRecord[]>;
  /** Removes the repository with all its objects and refs. */
  deleteRepository(name: string): Promise<void>;

  /** Stores objects (already-present ones are skipped); durable once the promise resolves. */
  putObjects(repo: string, objects: readonly NewObject[]): Promise<void>;
  getObject(repo: string, hash: string): Promise<StoredObject | undefined>;
  getObjectInfo(repo: string, hash: string): Promise<ObjectInfo | undefined>;
  hasObjects(repo: string, hashes: readonly string[]): Promise<boolean[]>;
  /** Every object's hash, in no particular order (for export and checks). */
  objectHashes(repo: string): AsyncIterable<string>;

  /**
   * Streams a blob into storage, hashing it on the way. With `declaredSize` the store may write
   * the object header first and must fail `invalid_argument` if the bytes differ from it.
   */
  writeBlob(repo: string, chunks: AsyncIterable<Uint8Array>, declaredSize: number | undefined): Promise<WrittenBlob>;
  /** Streams a blob's content from `offset`, in chunks of at most `chunkSize` bytes, read as consumed. */
  readBlob(repo: string, hash: string, offset: number, chunkSize: number): AsyncIterable<Uint8Array>;

  getRef(repo: string, name: string): Promise<string | undefined>;
  /** Refs whose names start with `prefix`, sorted by name. */
  listRefs(repo: string, prefix: string): Promise<{ name: string; hash: string }[]>;
  /**
   * Applies every update or none: if any ref's current target differs from its
   * `expectedOldHash`, nothing changes and the call fails `aborted`. `outcomes` become durable in
   * the same step (a durable store keeps them; memory need not); with no updates they are still kept.
   */
  updateRefs(repo: string, updates: readonly RefUpdate[], outcomes?: readonly OutcomeRecord[]): Promise<RefChange[]>;
  /** The outcome records kept for the repository and not yet expired (none in memory). */
  outcomeRecords(repo: string): Promise<OutcomeRecord[]>;
  /**
   * The repository's latest change number and up to `limit` of its latest changes that the store
   * still has from before this process (a durable store's journal since its last compaction; none
   * in memory): what a WatchRefs resume after a restart can be served from.
   */
  refHistory(repo: string, limit: number): Promise<RefHistory>;

  /** Releases files and handles. */
  close(): Promise<void>;
}
