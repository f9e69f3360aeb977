import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isRepoName } from '../../validation/repo-name.js';
import { openDiskRepository, type DiskRepository } from './disk-repository.js';
import type { ResolvedDiskStoreOptions } from './disk-store-options.js';
import { readPackedRefs, writePackedRefs } from './packed-refs.js';
import { RefJournal } from './ref-journal.js';
import { readRepositoryRecord, repoDirSuffix, repoTempDirName } from './repository-dir.js';

/** Empties a directory start-up owns (temp files, trash) and makes sure it exists. */
async function clearDirectory(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
}

/**
 * Start-up: removes what a crash may have left in the data directory (temp files, half-deleted
 * repositories, stale `packed-refs.lock` files) and opens every repository under `repos/`, by
 * name, packing what its object log holds and bringing `packed-refs` up to its journal.
 */
export async function loadRepositories(options: ResolvedDiskStoreOptions): Promise<Map<string, DiskRepository>> {
  const { dataDir, reposDir } = options;
  const repos = new Map<string, DiskRepository>();
  await mkdir(reposDir, { recursive: true });
  await Promise.all([clearDirectory(options.tempDir), clearDirectory(options.trashDir)]);
  for (const entry of await readdir(dataDir)) {
    if (entry.includes('.tmp-')) await rm(join(dataDir, entry), { recursive: true, force: true });
  }
  for (const entry of await readdir(reposDir)) {
    const name = entry.slice(0, -repoDirSuffix.length);
    // Only names `checkRepoName` accepts become repositories (and paths); skip anything else.
    if (!entry.endsWith(repoDirSuffix) || !isRepoName(name)) continue;
    const dir = join(reposDir, entry);
    const record = await readRepositoryRecord(dir, name);
    // Not ours (no record): leave it alone and do not serve it.
    if (record === undefined) continue;
    await clearDirectory(join(dir, repoTempDirName));
    await rm(join(dir, 'packed-refs.lock'), { force: true });
    const { journal, state } = await RefJournal.open(dir, () => readPackedRefs(dir), Date.now());
    const repo = await openDiskRepository(record, dir, journal, state, options);
    // `packed-refs` may lag the journal after a crash: git must see what the journal says
    // (now that the object log, which may hold what it names, is packed).
    await writePackedRefs(dir, state.refs, true);
    repos.set(name, repo);
  }
  return repos;
}
