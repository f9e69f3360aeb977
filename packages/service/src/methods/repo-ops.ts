import type { Repository } from '@govc/core';
import type { OpContext } from '../model/op-context.js';
import { getBlob, hasObjects, storeBlob } from './blob-ops.js';
import { commit } from './commit-op.js';
import { getCommit, listCommits, listTree, readFile } from './history-ops.js';
import { listRefs, updateRef } from './ref-ops.js';

/** One operation inside a repository: what a plain call and a batch op both run. */
export type RepoOp = (ctx: OpContext, request: never, now: number) => Promise<unknown>;

/** GetRepository: the repository's facts and its default branch's head. */
export async function getRepository(ctx: OpContext): Promise<Repository> {
  const { record } = ctx;
  const head = await ctx.refs.get(`refs/heads/${record.defaultBranch}`);
  const info = { repo: record.name, defaultBranch: record.defaultBranch, createdAt: record.createdAt };
  return head ? { ...info, head } : info;
}

/** Every batchable method's operation, by method name. */
export const repoOps: Readonly<Record<string, RepoOp>> = {
  GetRepository: getRepository,
  StoreBlob: storeBlob,
  GetBlob: getBlob,
  HasObjects: hasObjects,
  Commit: commit,
  GetCommit: getCommit,
  ListCommits: listCommits,
  ReadFile: readFile,
  ListTree: listTree,
  ListRefs: listRefs,
  UpdateRef: updateRef,
};
