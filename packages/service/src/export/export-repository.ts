import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GovcError } from '@govc/core';
import { hashObject, isHash } from '../objects/hash.js';
import type { ObjectType } from '../objects/object-type.js';
import { checkRefName } from '../validation/ref-name.js';
import { encodeLooseObject, looseObjectPath } from './loose-object.js';

/** One object handed to {@link exportRepository}. */
export interface SourceObject {
  hash: string;
  type: ObjectType;
  body: Uint8Array;
}

/** One ref handed to {@link exportRepository}: a full name and the object it points at. */
export interface SourceRef {
  name: string;
  hash: string;
}

/** Everything an export writes: the objects, the refs, and the branch `HEAD` names. */
export interface RepositorySource {
  /** Every object to write, each once or more (repeats are skipped), in any order. */
  objects(): AsyncIterable<SourceObject>;
  /** Full ref names (`refs/heads/*`, `refs/tags/*`); each must point at an exported object. */
  refs: readonly SourceRef[];
  /** The branch `HEAD` points at, such as `refs/heads/main`; it may be unborn (no ref). */
  head: string;
}

// Enough parallel writes to keep the disk busy without holding many deflated bodies at once.
const maxWritesInFlight = 16;

// What `git init --bare` writes, minus the per-platform guesses; stock git reads nothing else.
const bareConfig = '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n';

function checkSource(source: RepositorySource): void {
  if (!checkRefName(source.head).startsWith('refs/heads/')) {
    throw new GovcError('invalid_argument', `HEAD must name a branch, not ${JSON.stringify(source.head)}`);
  }
  const names = new Set<string>();
  for (const { name, hash } of source.refs) {
    checkRefName(name);
    if (!isHash(hash)) throw new GovcError('invalid_argument', `ref ${name} points at a malformed hash`);
    if (names.has(name)) throw new GovcError('invalid_argument', `ref ${name} is given twice`);
    names.add(name);
  }
  // A ref is a file, so "refs/heads/a" and "refs/heads/a/b" cannot both exist (git refuses too).
  for (const name of names) {
    for (let slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
      if (names.has(name.slice(0, slash))) {
        throw new GovcError('invalid_argument', `refs ${name.slice(0, slash)} and ${name} cannot both exist`);
      }
    }
  }
}

async function checkTargetFree(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) throw new GovcError('already_exists', `${dir} exists and is not empty`);
}

async function writeObjects(root: string, source: RepositorySource): Promise<Set<string>> {
  const written = new Set<string>();
  // One mkdir per fan-out directory, shared by every write that needs it.
  const fanOut = new Map<string, Promise<unknown>>();
  const inFlight = new Set<Promise<void>>();
  const failures: unknown[] = [];
  try {
    for await (const { hash, type, body } of source.objects()) {
      if (failures.length > 0) break;
      if (written.has(hash)) continue;
      // A wrong name would make every reader of the export see corruption; refuse it here instead.
      if (hashObject(type, body) !== hash) {
        throw new GovcError('data_loss', `object ${JSON.stringify(hash.slice(0, 80))} does not hash to its name`);
      }
      written.add(hash);
      const path = join(root, 'objects', looseObjectPath(hash));
      const directory = dirname(path);
      const write = (async function writeLooseObject(): Promise<void> {
        let made = fanOut.get(directory);
        if (made === undefined) {
          made = mkdir(directory, { recursive: true });
          fanOut.set(directory, made);
        }
        await made;
        // Loose objects are immutable; git writes them read-only too.
        await writeFile(path, encodeLooseObject(type, body), { mode: 0o444 });
      })()
        .catch((error: unknown) => {
          failures.push(error);
        })
        .finally(() => inFlight.delete(write));
      inFlight.add(write);
      if (inFlight.size >= maxWritesInFlight) await Promise.race(inFlight);
    }
  } finally {
    // Even on failure: the caller removes the staging directory, which must not race a write.
    await Promise.all(inFlight);
  }
  if (failures.length > 0) throw GovcError.from(failures[0], 'internal');
  return written;
}

/**
 * Writes a bare git repository at `dir` that stock git reads (`git log`, `git fsck`,
 * `git clone`): loose zlib objects under `objects/xx/…`, one file per ref, `HEAD` as a symbolic
 * ref and a minimal `config`. The export is built next to `dir` and renamed into place, so `dir`
 * appears complete or not at all.
 *
 * Throws `already_exists` when `dir` is a non-empty directory, `invalid_argument` for a bad ref
 * name, hash or `head`, and `data_loss` when an object does not hash to its name or a ref points
 * at an object the source did not give.
 */
export async function exportRepository(dir: string, source: RepositorySource): Promise<void> {
  checkSource(source);
  await checkTargetFree(dir);
  await mkdir(dirname(dir), { recursive: true });
  const staging = `${dir}.export-${randomBytes(6).toString('hex')}`;
  try {
    await mkdir(join(staging, 'objects', 'info'), { recursive: true });
    await mkdir(join(staging, 'objects', 'pack'));
    await mkdir(join(staging, 'refs', 'heads'), { recursive: true });
    await mkdir(join(staging, 'refs', 'tags'));
    const written = await writeObjects(staging, source);
    for (const { name, hash } of source.refs) {
      if (!written.has(hash)) throw new GovcError('data_loss', `ref ${name} points at ${hash}, which the source did not give`);
      const path = join(staging, ...name.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, `${hash}\n`);
    }
    await writeFile(join(staging, 'HEAD'), `ref: ${source.head}\n`);
    await writeFile(join(staging, 'config'), bareConfig);
    await rename(staging, dir).catch((error: NodeJS.ErrnoException) => {
      // Someone filled `dir` since the check above.
      if (error.code === 'ENOTEMPTY' || error.code === 'EEXIST') {
        throw new GovcError('already_exists', `${dir} exists and is not empty`, { cause: error });
      }
      throw error;
    });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
