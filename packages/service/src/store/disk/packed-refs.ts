import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GovcError } from '@govc/core';
import { isHash } from '../../objects/hash.js';
import { isValidRefName } from '../../validation/ref-name.js';
import { fsyncDirectory } from './durable-file.js';

// No "peeled" trait: we write no peel lines, so git must peel annotated tags itself.
const header = '# pack-refs with: sorted \n';

/**
 * Reads a repository's `packed-refs` into a map of full ref name to hash; a missing file is no
 * refs. Peel lines (`^…`) and comments are skipped; anything else malformed is `data_loss`.
 */
export async function readPackedRefs(repoDir: string): Promise<Map<string, string>> {
  const refs = new Map<string, string>();
  const text = await readFile(join(repoDir, 'packed-refs'), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('^')) continue;
    const hash = line.slice(0, 40);
    const name = line.slice(41);
    if (!isHash(hash) || line[40] !== ' ' || !isValidRefName(name)) {
      throw new GovcError('data_loss', `malformed line in ${join(repoDir, 'packed-refs')}: ${JSON.stringify(line.slice(0, 120))}`);
    }
    refs.set(name, hash);
  }
  return refs;
}

/** The bytes of `packed-refs` for these refs, sorted by name as git expects. */
export function formatPackedRefs(refs: ReadonlyMap<string, string>): string {
  const names = [...refs.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return header + names.map((name) => `${refs.get(name) ?? ''} ${name}\n`).join('');
}

/**
 * Replaces `packed-refs` in one atomic step, as git does: create `packed-refs.lock` with O_EXCL
 * (so git itself, or a stray writer, cannot interleave), write it, rename it over `packed-refs`.
 * With `durable` the file and the directory are fsynced too, so a crash leaves the old refs or
 * the new ones; without, the caller keeps the truth elsewhere (the ref journal) and rewrites
 * the file after a crash.
 */
export async function writePackedRefs(repoDir: string, refs: ReadonlyMap<string, string>, durable: boolean): Promise<void> {
  const lock = join(repoDir, 'packed-refs.lock');
  let handle;
  try {
    handle = await open(lock, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new GovcError('aborted', `${lock} exists: another process is updating the refs`, { cause: error });
    }
    throw error;
  }
  try {
    try {
      await handle.writeFile(formatPackedRefs(refs));
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(lock, join(repoDir, 'packed-refs'));
  } catch (error) {
    await rm(lock, { force: true });
    throw error;
  }
  if (durable) await fsyncDirectory(repoDir);
}
