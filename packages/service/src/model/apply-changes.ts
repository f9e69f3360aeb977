import { GovcError, type FileChange } from '@govc/core';
import { hashObject } from '../objects/hash.js';
import { encodeTree, type TreeEntryObject } from '../objects/tree.js';
import type { NewObject } from '../store/storage.js';
import { checkFileMode } from '../validation/file-mode.js';
import { checkFilePath } from '../validation/file-path.js';
import { checkHash } from '../validation/hash.js';
import type { OpContext } from './op-context.js';
import { readTree } from './read-objects.js';

/** A directory being edited: loaded from its tree on first touch, re-hashed only if changed. */
interface Directory {
  /** The tree it was loaded from; `undefined` for a new directory. */
  readonly hash: string | undefined;
  entries: Map<string, TreeEntryObject> | undefined;
  readonly children: Map<string, Directory>;
  dirty: boolean;
}

const treeMode = '40000';

function directory(hash: string | undefined): Directory {
  return { hash, entries: hash === undefined ? new Map() : undefined, children: new Map(), dirty: hash === undefined };
}

async function entriesOf(ctx: OpContext, dir: Directory): Promise<Map<string, TreeEntryObject>> {
  dir.entries ??= new Map((await readTree(ctx, dir.hash!)).map((entry) => [entry.name, entry]));
  return dir.entries;
}

/** The subdirectory `name` of `dir`, created when `create` is set and it is absent. */
async function child(ctx: OpContext, dir: Directory, name: string, path: string, create: boolean): Promise<Directory | undefined> {
  const open = dir.children.get(name);
  if (open) return open;
  const entry = (await entriesOf(ctx, dir)).get(name);
  if (entry && entry.mode !== treeMode) throw new GovcError('invalid_argument', `${path}: ${name} is a file, not a directory`);
  if (!entry && !create) return undefined;
  const sub = directory(entry?.hash);
  dir.children.set(name, sub);
  return sub;
}

/** Writes the edited directories bottom-up; returns the hash of `dir`, or `undefined` when it ended up empty. */
async function seal(ctx: OpContext, dir: Directory, objects: NewObject[]): Promise<string | undefined> {
  if (!dir.dirty && dir.children.size === 0) return dir.hash;
  const entries = await entriesOf(ctx, dir);
  let changed = dir.dirty;
  for (const [name, sub] of dir.children) {
    const hash = await seal(ctx, sub, objects);
    if (hash === entries.get(name)?.hash) continue;
    changed = true;
    if (hash === undefined) entries.delete(name);
    else entries.set(name, { mode: treeMode, name, hash });
  }
  if (!changed) return dir.hash;
  if (entries.size === 0) return undefined; // git keeps no empty directories
  const body = encodeTree([...entries.values()]);
  const hash = hashObject('tree', body);
  objects.push({ hash, type: 'tree', body });
  return hash;
}

const emptyTreeBody = encodeTree([]);
const emptyTreeHash = hashObject('tree', emptyTreeBody);

/**
 * Applies a commit's changes to `baseTree` (absent for a root commit), returning the new root
 * tree and every new object (blobs and trees) to write. Only the directories on changed paths
 * are read and rewritten.
 */
export async function applyChanges(
  ctx: OpContext,
  baseTree: string | undefined,
  changes: readonly FileChange[],
): Promise<{ tree: string; objects: NewObject[] }> {
  const objects: NewObject[] = [];
  const root = directory(baseTree);
  const seen = new Set<string>();
  const referenced: string[] = [];
  for (const [index, change] of changes.entries()) {
    const where = `changes[${index}]`;
    const segments = checkFilePath(change.path);
    if (seen.has(change.path)) throw new GovcError('invalid_argument', `${where}: path ${change.path} changed twice`);
    seen.add(change.path);
    let dir: Directory | undefined = root;
    for (const segment of segments.slice(0, -1)) {
      dir = await child(ctx, dir, segment, where, !change.delete);
      if (!dir) throw new GovcError('not_found', `${where}: ${change.path} does not exist`);
    }
    const name = segments[segments.length - 1]!;
    const entries = await entriesOf(ctx, dir);
    const existing = entries.get(name);
    if (change.delete) {
      if (change.content !== undefined || change.hash !== undefined) {
        throw new GovcError('invalid_argument', `${where}: a delete carries no content or hash`);
      }
      if (!existing) throw new GovcError('not_found', `${where}: ${change.path} does not exist`);
      if (existing.mode === treeMode) dir.children.delete(name);
      entries.delete(name);
      dir.dirty = true;
      continue;
    }
    if (existing?.mode === treeMode || dir.children.has(name)) {
      throw new GovcError('invalid_argument', `${where}: ${change.path} is a directory`);
    }
    const mode = change.mode ?? '100644';
    checkFileMode(mode);
    let hash: string;
    if (change.content !== undefined) {
      if (change.hash !== undefined) throw new GovcError('invalid_argument', `${where}: give content or hash, not both`);
      hash = hashObject('blob', change.content);
      objects.push({ hash, type: 'blob', body: change.content });
    } else if (change.hash !== undefined) {
      checkHash(change.hash, `${where}.hash`);
      hash = change.hash;
      referenced.push(hash);
    } else {
      throw new GovcError('invalid_argument', `${where}: give content, hash or delete`);
    }
    entries.set(name, { mode, name, hash });
    dir.dirty = true;
  }
  for (const hash of referenced) {
    const info = await ctx.store.getObjectInfo(ctx.repo, hash);
    if (!info) throw new GovcError('not_found', `blob ${hash} not found`);
    if (info.type !== 'blob') throw new GovcError('invalid_argument', `object ${hash} is a ${info.type}, not a blob`);
  }
  let tree = await seal(ctx, root, objects);
  if (tree === undefined) {
    tree = emptyTreeHash;
    objects.push({ hash: tree, type: 'tree', body: emptyTreeBody });
  }
  return { tree, objects };
}
