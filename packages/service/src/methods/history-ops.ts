import {
  GovcError,
  type CommitInfo,
  type FileContent,
  type GetCommitRequest,
  type ListCommitsRequest,
  type ListCommitsResponse,
  type ListTreeRequest,
  type ListTreeResponse,
  type ReadFileRequest,
  type TreeEntry,
} from '@govc/core';
import { checkProgress } from '../model/check-progress.js';
import type { OpContext } from '../model/op-context.js';
import { findEntry, readCommit, readTree } from '../model/read-objects.js';
import { treeEntryType } from '../objects/tree.js';
import { resolveRef } from '../model/resolve-ref.js';
import { copyBytes } from '../util/copy-bytes.js';
import { checkFilePath } from '../validation/file-path.js';
import { checkHash } from '../validation/hash.js';

/** ListCommits page size when the caller gives none, and the most it may ask for. */
export const defaultCommitPage = 50;
export const maxCommitPage = 1000;
/** Most entries one ListTree answer may hold. */
export const maxTreeEntries = 100_000;

async function commitInfo(ctx: OpContext, hash: string): Promise<CommitInfo> {
  const commit = await readCommit(ctx, hash);
  return { hash, tree: commit.tree, parents: commit.parents, author: commit.author, committer: commit.committer, message: commit.message };
}

/** GetCommit: one commit, parsed. */
export async function getCommit(ctx: OpContext, request: GetCommitRequest): Promise<CommitInfo> {
  checkHash(request.hash, 'hash');
  return commitInfo(ctx, request.hash);
}

/** ListCommits: the first-parent log from `ref` (or the page token), newest first. */
export async function listCommits(ctx: OpContext, request: ListCommitsRequest): Promise<ListCommitsResponse> {
  const limit = Math.min(request.limit || defaultCommitPage, maxCommitPage);
  let next: string | undefined;
  if (request.pageToken) {
    checkHash(request.pageToken, 'pageToken');
    next = request.pageToken;
  } else {
    next = await resolveRef(ctx, request.ref);
  }
  const commits: CommitInfo[] = [];
  while (next !== undefined && commits.length < limit) {
    checkProgress(ctx.call);
    const info = await commitInfo(ctx, next);
    commits.push(info);
    next = info.parents[0];
  }
  return next === undefined ? { commits } : { commits, nextPageToken: next };
}

/** The commit's root tree for a read's `ref`. */
async function rootTree(ctx: OpContext, ref: string): Promise<string> {
  return (await readCommit(ctx, await resolveRef(ctx, ref))).tree;
}

/** ReadFile: one file's bytes at `ref`. */
export async function readFile(ctx: OpContext, request: ReadFileRequest): Promise<FileContent> {
  const segments = checkFilePath(request.path);
  const entry = await findEntry(ctx, await rootTree(ctx, request.ref), segments);
  if (!entry) throw new GovcError('not_found', `${request.path} not found at ${request.ref}`);
  if (treeEntryType(entry.mode) !== 'blob') throw new GovcError('invalid_argument', `${request.path} is not a file`);
  const object = await ctx.store.getObject(ctx.repo, entry.hash);
  if (!object) throw new GovcError('data_loss', `blob ${entry.hash} of ${request.path} is missing`);
  return { path: request.path, hash: entry.hash, mode: entry.mode, size: object.size, content: copyBytes(object.body) };
}

/** ListTree: a directory's entries at `ref`, or everything below it with `recursive`. */
export async function listTree(ctx: OpContext, request: ListTreeRequest): Promise<ListTreeResponse> {
  const path = request.path ?? '';
  let tree = await rootTree(ctx, request.ref);
  if (path !== '') {
    const entry = await findEntry(ctx, tree, checkFilePath(path));
    if (!entry) throw new GovcError('not_found', `${path} not found at ${request.ref}`);
    if (entry.mode !== '40000') throw new GovcError('invalid_argument', `${path} is not a directory`);
    tree = entry.hash;
  }
  const entries: TreeEntry[] = [];
  const walk = async (hash: string, prefix: string): Promise<void> => {
    for (const entry of await readTree(ctx, hash)) {
      checkProgress(ctx.call);
      if (entries.length >= maxTreeEntries)
        throw new GovcError('resource_exhausted', `tree has more than ${maxTreeEntries} entries`, { limit: 'tree_entries' });
      // decodeTree admits only the modes git writes, so every entry has a type.
      const type = treeEntryType(entry.mode)!;
      const entryPath = prefix + entry.name;
      if (type === 'blob') {
        const info = await ctx.store.getObjectInfo(ctx.repo, entry.hash);
        entries.push(
          info
            ? { path: entryPath, mode: entry.mode, type, hash: entry.hash, size: info.size }
            : { path: entryPath, mode: entry.mode, type, hash: entry.hash },
        );
      } else {
        entries.push({ path: entryPath, mode: entry.mode, type, hash: entry.hash });
        if (type === 'tree' && request.recursive) await walk(entry.hash, `${entryPath}/`);
      }
    }
  };
  await walk(tree, path === '' ? '' : `${path}/`);
  return { entries };
}
