import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GovcError } from '@govc/core';
import { tempPath, writeNewFileSynced } from './durable-file.js';

/** The lock a running store holds on its data directory; see {@link acquireDataDirLock}. */
export interface DataDirLock {
  readonly path: string;
  /** Removes the lock file; safe to call more than once. */
  release(): Promise<void>;
}

/** Whether a process with this id runs now (EPERM: it runs, as another user). */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function createLockFile(path: string): Promise<boolean> {
  try {
    await writeNewFileSynced(path, Buffer.from(`${process.pid}\n`), 0o644);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Takes `<dataDir>/govc.lock`, created with O_EXCL and holding our pid, so that a second server
 * cannot open the same directory. A lock whose pid is dead (a crashed server) is recovered; a
 * live one — in this process too — fails `failed_precondition`.
 */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  const path = join(dataDir, 'govc.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await createLockFile(path)) {
      let released = false;
      return {
        path,
        async release() {
          if (released) return;
          released = true;
          await rm(path, { force: true });
        },
      };
    }
    const text = await readFile(path, 'utf8').catch(() => '');
    const pid = Number.parseInt(text.trim(), 10);
    // An empty or unreadable lock is a crash between create and write: as stale as a dead pid.
    if (Number.isSafeInteger(pid) && pid > 0 && processIsAlive(pid)) {
      throw new GovcError('failed_precondition', `data directory ${dataDir} is in use by process ${pid} (lock file ${path})`);
    }
    // Rename before removing, so that of two recovering processes only one removes the stale lock.
    const stale = tempPath(dataDir, 'govc.lock.stale');
    await rename(path, stale).then(
      () => rm(stale, { force: true }),
      () => undefined,
    );
  }
  throw new GovcError('failed_precondition', `could not take the lock ${path}: another process keeps taking it`);
}
