import { mkdir, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GovcError } from '@govc/core';
import type { RepositoryRecord } from '../storage.js';
import { fsyncDirectory, writeNewFileSynced } from './durable-file.js';

/** What a repository's directory name under `repos/` ends with, after the repository's name. */
export const repoDirSuffix = '.git';

/** The directory inside each repository for temp files; start-up empties it, git ignores it. */
export const repoTempDirName = 'govc-tmp';

/** The directory inside each repository for its object log; git ignores it. */
export const objectLogDirName = 'govc-log';

/** The ref journal's file inside each repository; git ignores it. */
export const refJournalFile = 'govc-refs.journal';

/** The file inside each repository with its record (default branch, creation time). */
const recordFile = 'govc.json';

// What `git init --bare` writes, minus the per-platform guesses; stock git reads nothing else.
const bareConfig = '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n';

/** Writes a new file of the repository being made, durably (its name is synced with its directory). */
function writeSynced(path: string, content: string | Uint8Array): Promise<void> {
  return writeNewFileSynced(path, typeof content === 'string' ? Buffer.from(content) : content, 0o644);
}

/**
 * Creates an empty bare repository at `dir` with its record and its ref journal's first snapshot: built in `staging`, every file and
 * directory fsynced, then renamed into place and the parent fsynced, so it appears whole or not
 * at all. `already_exists` when `dir` exists.
 */
export async function createRepositoryDir(dir: string, record: RepositoryRecord, staging: string, journal: Uint8Array): Promise<void> {
  const dirs = ['objects', 'objects/info', 'objects/pack', 'refs', 'refs/heads', 'refs/tags', repoTempDirName, objectLogDirName];
  await mkdir(staging);
  for (const sub of dirs) await mkdir(join(staging, sub));
  const stored = { defaultBranch: record.defaultBranch, createdAt: record.createdAt };
  await Promise.all([
    writeSynced(join(staging, 'HEAD'), `ref: refs/heads/${record.defaultBranch}\n`),
    writeSynced(join(staging, 'config'), bareConfig),
    writeSynced(join(staging, recordFile), `${JSON.stringify(stored)}\n`),
    writeSynced(join(staging, refJournalFile), journal),
  ]);
  await Promise.all([staging, ...dirs.map((sub) => join(staging, sub))].map(fsyncDirectory));
  try {
    await rename(staging, dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') {
      throw new GovcError('already_exists', `repository ${JSON.stringify(record.name)} already exists`, { cause: error });
    }
    throw error;
  }
  await fsyncDirectory(dirname(dir));
}

/** Reads a repository's record; `undefined` when the directory holds none (not one of ours). */
export async function readRepositoryRecord(dir: string, name: string): Promise<RepositoryRecord | undefined> {
  const text = await readFile(join(dir, recordFile), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  const parsed = JSON.parse(text) as { defaultBranch?: unknown; createdAt?: unknown };
  if (typeof parsed.defaultBranch !== 'string' || typeof parsed.createdAt !== 'number') {
    throw new GovcError('data_loss', `${join(dir, recordFile)} is malformed`);
  }
  return { name, defaultBranch: parsed.defaultBranch, createdAt: parsed.createdAt };
}
