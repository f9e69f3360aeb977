import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describeFsError } from './describe-fs-error.js';
import { StartUpError } from './start-up-error.js';

/** What {@link prepareDataDir} found before the store opened it. */
export interface PreparedDataDir {
  /** The directory, as an absolute path (what the banner shows). */
  readonly path: string;
  /** It did not exist or was empty: the store about to open starts empty. */
  readonly isNew: boolean;
}

/** `stat`, with `undefined` for a path that is not there (ENOTDIR too: a file where a directory of the path should be). */
async function statIfThere(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** What a path that should be a directory is instead. */
function notADirectory(stats: Stats): string {
  return stats.isFile() ? 'a file, not a directory' : 'not a directory';
}

/**
 * Creates `path` and its missing parents (as `mkdir -p`), one level at a time: Node's recursive
 * mkdir never returns for a path such as `/proc/x`, whose parent exists but refuses new entries.
 */
async function makeDirectories(path: string): Promise<void> {
  const missing: string[] = [];
  let existing = path;
  let stats: Stats | undefined;
  while ((stats = await statIfThere(existing)) === undefined && dirname(existing) !== existing) {
    missing.unshift(existing);
    existing = dirname(existing);
  }
  if (stats !== undefined && !stats.isDirectory())
    throw new StartUpError(`cannot create --data-dir ${path}: ${existing} is ${notADirectory(stats)}`);
  for (const dir of missing) {
    try {
      await mkdir(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Created meanwhile by someone else: as good as made.
      if (code === 'EEXIST') continue;
      // The parent is there (just checked or made), so ENOENT means it takes no new entries.
      if (code === 'ENOENT')
        throw new StartUpError(`cannot create --data-dir ${path}: ${dirname(dir)} does not take new directories (ENOENT)`);
      throw new StartUpError(`cannot create --data-dir ${path}: ${describeFsError(error)}`);
    }
  }
}

/** Fails unless a file can be made in `path`: trying is the one test that holds for root too, and on read-only mounts. */
async function checkWritable(path: string): Promise<void> {
  // `.tmp-` in the name: the store removes such entries at start-up, should this one outlive a crash.
  const probe = join(path, `govc-write-check.tmp-${process.pid}`);
  try {
    await writeFile(probe, '');
  } catch (error) {
    throw new StartUpError(`--data-dir ${path} is not writable: ${describeFsError(error)}`);
  }
  await rm(probe, { force: true });
}

/**
 * Makes `--data-dir` ready for the store, before it opens, and tells whether it is new: creates
 * the directory and its parents when missing, and fails with a `StartUpError` in words when it
 * is a file, cannot be created, or cannot be written to.
 */
export async function prepareDataDir(dataDir: string): Promise<PreparedDataDir> {
  const path = resolve(dataDir);
  let stats: Stats | undefined;
  try {
    stats = await statIfThere(path);
  } catch (error) {
    throw new StartUpError(`cannot use --data-dir ${path}: ${describeFsError(error)}`);
  }
  let isNew = true;
  if (stats === undefined) {
    await makeDirectories(path);
  } else if (!stats.isDirectory()) {
    throw new StartUpError(`--data-dir ${path} is ${notADirectory(stats)}`);
  } else {
    try {
      isNew = (await readdir(path)).length === 0;
    } catch (error) {
      throw new StartUpError(`cannot read --data-dir ${path}: ${describeFsError(error)}`);
    }
  }
  await checkWritable(path);
  return { path, isNew };
}
