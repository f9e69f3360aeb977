import type { GovcMethods, InputOf, OutputOf } from '@govc/core';
import type { OpContext } from '../model/op-context.js';
import { getBlob, hasObjects, storeBlob } from './blob-ops.js';
import { commit } from './commit-op.js';
import { getCommit, listCommits, listTree, readFile } from './history-ops.js';
import { listRefs, updateRef } from './ref-ops.js';
import { getRepository } from './repository-methods.js';

/** One operation inside a repository: what a plain call and a batch op both run. */
export type RepoOp = (ctx: OpContext, request: never, now: number) => Promise<unknown>;

/** The methods that act inside one repository: the batchable ones (core's `batchable` flag). */
export type RepoOpName =
  | 'GetRepository'
  | 'StoreBlob'
  | 'GetBlob'
  | 'HasObjects'
  | 'Commit'
  | 'GetCommit'
  | 'ListCommits'
  | 'ReadFile'
  | 'ListTree'
  | 'ListRefs'
  | 'UpdateRef';

/** The operation of method `K`, typed by the method's request and response messages. */
export type RepoOpOf<K extends RepoOpName> = (
  ctx: OpContext,
  request: InputOf<GovcMethods[K]>,
  now: number,
) => Promise<OutputOf<GovcMethods[K]>>;

/** Every batchable method's operation, by method name; each checked against its method's messages. */
export const repoOps: { readonly [K in RepoOpName]: RepoOpOf<K> } = {
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

/** The same operations, for a method named at run time (a batch op's). */
export const repoOpsByName: Readonly<Record<string, RepoOp | undefined>> = repoOps;
