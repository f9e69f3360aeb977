import { mkdir } from 'node:fs/promises';
import type { Storage } from '../storage.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import type { DiskRepository } from './disk-repository.js';
import { DiskStore } from './disk-store.js';
import { resolveDiskStoreOptions, type DiskStoreOptions } from './disk-store-options.js';
import { storageError } from './durable-file.js';
import { loadRepositories } from './load-repositories.js';

export type { DiskStoreOptions } from './disk-store-options.js';

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
  const resolved = resolveDiskStoreOptions(options);
  await mkdir(resolved.dataDir, { recursive: true });
  const lock = await acquireDataDirLock(resolved.dataDir);
  let repos: Map<string, DiskRepository>;
  try {
    repos = await loadRepositories(resolved);
  } catch (error) {
    await lock.release();
    throw storageError(error, `opening ${resolved.dataDir}`);
  }
  return new DiskStore(resolved, lock, repos);
}
