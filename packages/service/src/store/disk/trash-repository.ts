import { rename, rm } from 'node:fs/promises';
import { GovcError } from '@govc/core';
import type { DiskRepository } from './disk-repository.js';
import type { ResolvedDiskStoreOptions } from './disk-store-options.js';
import { fsyncDirectory, storageError, tempPath } from './durable-file.js';

// Deleting a repository takes two steps, so that a crash never leaves half of one visible: its
// directory is first renamed out of `repos/` durably, and only then are its files removed.

/**
 * Stops the repository's writes (those under way finish; later ones fail `not_found`) and its
 * merges, then moves its directory to the trash, durably. Returns where it went. If the move
 * fails, the repository takes writes again and the error is thrown: it is still there, whole.
 */
export async function moveToTrash(repo: DiskRepository, options: ResolvedDiskStoreOptions): Promise<string> {
  const { name } = repo.record;
  await repo.log.stop(new GovcError('not_found', `repository ${JSON.stringify(name)} was deleted`));
  await repo.consolidator.idle();
  const trash = tempPath(options.trashDir, name);
  try {
    await rename(repo.dir, trash);
    await fsyncDirectory(options.reposDir);
  } catch (error) {
    repo.log.resume();
    throw storageError(error, `deleting repository ${name}`);
  }
  return trash;
}

/** Releases what a repository moved to the trash holds open, and removes its files. */
export async function emptyTrash(repo: DiskRepository, trash: string): Promise<void> {
  await repo.log.abandon();
  await repo.journal.close().catch(() => undefined);
  await rm(trash, { recursive: true, force: true });
}
