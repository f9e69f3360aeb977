import { GovcError } from '@govc/core';
import { isHash } from '../objects/hash.js';
import { isValidRefName } from '../validation/ref-name.js';
import type { RefChange, RefUpdate } from './storage.js';

/**
 * Refuses a new ref that a directory/file clash would make impossible on disk, as git does:
 * `refs/heads/a` and `refs/heads/a/b` cannot both exist (refs deleted in the same step count as gone).
 */
function checkNoDirectoryConflict(refs: ReadonlyMap<string, string>, name: string, deleted: ReadonlySet<string>): void {
  const exists = (ref: string): boolean => refs.has(ref) && !deleted.has(ref);
  for (let slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
    if (exists(name.slice(0, slash))) throw new GovcError('failed_precondition', `ref ${name.slice(0, slash)} exists, so ${name} cannot`);
  }
  const below = `${name}/`;
  for (const ref of refs.keys()) {
    if (ref.startsWith(below) && exists(ref)) throw new GovcError('failed_precondition', `ref ${ref} exists, so ${name} cannot`);
  }
}

/**
 * Checks a compare-and-swap of many refs against `refs`, changing nothing: `aborted` for a stale
 * expectation, `failed_precondition` for a file/directory clash, `invalid_argument` for a ref
 * named twice or a malformed name or hash (names end up in `packed-refs`, where a newline would
 * forge a line). Every store checks its updates with it, so all stores agree.
 */
export function checkRefUpdates(refs: ReadonlyMap<string, string>, updates: readonly RefUpdate[]): void {
  const seen = new Set<string>();
  const deleted = new Set(updates.filter((u) => u.newHash === '').map((u) => u.name));
  for (const update of updates) {
    if (!isValidRefName(update.name))
      throw new GovcError('invalid_argument', `${JSON.stringify(update.name.slice(0, 300))} is not a ref name`);
    if (update.newHash !== '' && !isHash(update.newHash)) throw new GovcError('invalid_argument', `ref ${update.name}: malformed new hash`);
    if (seen.has(update.name)) throw new GovcError('invalid_argument', `ref ${update.name} is updated twice in one step`);
    seen.add(update.name);
    const current = refs.get(update.name) ?? '';
    if (current !== update.expectedOldHash) {
      throw new GovcError('aborted', `ref ${update.name} is at ${current || '(none)'}, expected ${update.expectedOldHash || '(none)'}`);
    }
    if (current === '' && update.newHash !== '') checkNoDirectoryConflict(refs, update.name, deleted);
  }
}

/** Applies checked updates to `refs` in place and returns the changes, in order, numbered on from `lastSeq`. */
export function applyRefUpdates(refs: Map<string, string>, updates: readonly RefUpdate[], lastSeq: number): RefChange[] {
  return updates.map((update, i) => {
    const oldHash = refs.get(update.name) ?? '';
    if (update.newHash === '') refs.delete(update.name);
    else refs.set(update.name, update.newHash);
    return { seq: lastSeq + 1 + i, name: update.name, oldHash, newHash: update.newHash };
  });
}

/** The refs whose names start with `prefix`, sorted by name (what `Storage.listRefs` returns). */
export function refsWithPrefix(refs: ReadonlyMap<string, string>, prefix: string): { name: string; hash: string }[] {
  const found: { name: string; hash: string }[] = [];
  for (const [name, hash] of refs) if (name.startsWith(prefix)) found.push({ name, hash });
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
