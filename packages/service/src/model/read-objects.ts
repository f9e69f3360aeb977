import { GovcError } from '@govc/core';
import { decodeCommit, type CommitObject } from '../objects/commit.js';
import { decodeTree, type TreeEntryObject } from '../objects/tree.js';
import type { OpContext } from './op-context.js';

/** Reads and parses a commit; `not_found` when absent, `invalid_argument` when the object is not a commit. */
export async function readCommit(ctx: OpContext, hash: string): Promise<CommitObject> {
  const object = await ctx.store.getObject(ctx.repo, hash);
  if (!object) throw new GovcError('not_found', `commit ${hash} not found`);
  if (object.type !== 'commit') throw new GovcError('invalid_argument', `object ${hash} is a ${object.type}, not a commit`);
  return decodeCommit(object.body);
}

/** Reads and parses a tree; `not_found` when absent. */
export async function readTree(ctx: OpContext, hash: string): Promise<TreeEntryObject[]> {
  const object = await ctx.store.getObject(ctx.repo, hash);
  if (!object) throw new GovcError('not_found', `tree ${hash} not found`);
  if (object.type !== 'tree') throw new GovcError('invalid_argument', `object ${hash} is a ${object.type}, not a tree`);
  return decodeTree(object.body);
}

/** Walks `segments` down from `tree`; `undefined` when some segment is missing or not a directory. */
export async function findEntry(ctx: OpContext, tree: string, segments: readonly string[]): Promise<TreeEntryObject | undefined> {
  let entry: TreeEntryObject = { mode: '40000', name: '', hash: tree };
  for (const segment of segments) {
    if (entry.mode !== '40000') return undefined;
    const next = (await readTree(ctx, entry.hash)).find((e) => e.name === segment);
    if (!next) return undefined;
    entry = next;
  }
  return entry;
}
