import { join } from 'node:path';
import type { NewObject, OutcomeRecord, RepositoryRecord } from '../storage.js';
import { repositoryPath, type ResolvedDiskStoreOptions } from './disk-store-options.js';
import { storageError, tempPath } from './durable-file.js';
import { createGroupCommit, type GroupCommit } from './group-commit.js';
import type { ObjectDirs } from './loose-object-files.js';
import { ObjectLog } from './object-log.js';
import { loadPackedObjects, type PackedObjects } from './packed-objects.js';
import { createPackConsolidator, type PackConsolidator } from './pack-consolidation.js';
import { journalSnapshot, RefJournal, type JournalState } from './ref-journal.js';
import { createRepositoryDir, repoTempDirName } from './repository-dir.js';

/** One open repository of the disk store: its files' handles and what it keeps in memory. */
export interface DiskRepository {
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

/** A repository's in-memory state over its opened journal; opening its object log packs what a crash left there. */
export async function openDiskRepository(
  record: RepositoryRecord,
  dir: string,
  journal: RefJournal,
  state: JournalState,
  options: ResolvedDiskStoreOptions,
): Promise<DiskRepository> {
  const objectDirs = { objects: join(dir, 'objects'), temp: join(dir, repoTempDirName) };
  const packed = await loadPackedObjects(objectDirs);
  // Consolidation only saves git (and start-up) from many small packs: a failed one leaves
  // every object readable where it was, and a later one tries again.
  const consolidator = createPackConsolidator(objectDirs, packed, options.consolidation, function consolidationFailed() {});
  const log = await ObjectLog.open(dir, objectDirs, packed, options.objectLog, () => consolidator.packWritten());
  // Each caller left out what was stored when it joined; what got stored since is rare, and
  // logged again harmlessly rather than looked up once more per object. One write at a time:
  // a log write takes one sync, and the next group gathers meanwhile.
  const writes = createGroupCommit<NewObject>((objects) => log.append(objects), { maxFlushes: 1 });
  return {
    record,
    dir,
    objectDirs,
    packed,
    log,
    writes,
    consolidator,
    journal,
    refs: state.refs,
    outcomes: state.outcomes,
    lastSeq: state.lastSeq,
    packedRefsBehind: false,
  };
}

/**
 * Makes a new repository's directory, whole or not at all (`already_exists` when it is there),
 * with no refs, `outcomes` kept and its ref changes numbered after `lastSeq`, and opens it.
 */
export async function createDiskRepository(
  record: RepositoryRecord,
  outcomes: readonly OutcomeRecord[],
  lastSeq: number,
  now: number,
  options: ResolvedDiskStoreOptions,
): Promise<DiskRepository> {
  const dir = repositoryPath(options, record.name);
  const initial: JournalState = { refs: new Map(), outcomes: new Map(outcomes.map((o) => [o.id, o])), lastSeq };
  const { journal, state } = await (async () => {
    await createRepositoryDir(dir, record, tempPath(options.tempDir, record.name), journalSnapshot(initial, now));
    return RefJournal.open(dir, async () => new Map(), now);
  })().catch((error: unknown) => {
    throw storageError(error, `creating repository ${record.name}`);
  });
  return openDiskRepository({ ...record }, dir, journal, state, options);
}

/**
 * Closes the repositories of a closing store: each object log packs what it holds, merges under
 * way finish, then the journals close (a failed close loses nothing: every step was synced).
 */
export async function closeDiskRepositories(repos: readonly DiskRepository[]): Promise<void> {
  await Promise.all(repos.map((repo) => repo.log.close()));
  await Promise.all(repos.map((repo) => repo.consolidator.idle()));
  await Promise.all(repos.map((repo) => repo.journal.close().catch(() => undefined)));
}
