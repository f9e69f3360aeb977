import type { GovcMethodName } from '@govc/core';
import type { AccessLevel } from './access-grants.js';

/**
 * The level each method needs in the repository it names. `Health` needs no token (probes call
 * it); `ListRepositories` needs a known token and shows only what it may read; a batch needs,
 * for each of its ops, what that op's method needs (and `read` when it has none).
 */
export const methodAccess: Readonly<Record<GovcMethodName, AccessLevel>> = {
  Health: 'none',
  ListRepositories: 'read',
  CreateRepository: 'admin',
  DeleteRepository: 'admin',
  GetRepository: 'read',
  StoreBlob: 'write',
  UploadBlob: 'write',
  GetBlob: 'read',
  HasObjects: 'read',
  DownloadBlob: 'read',
  Commit: 'write',
  GetCommit: 'read',
  ListCommits: 'read',
  ReadFile: 'read',
  ListTree: 'read',
  ListRefs: 'read',
  UpdateRef: 'write',
  BatchOperations: 'read',
  WatchRefs: 'read',
};

/** What an unknown method name needs: a known token (then the handler answers `unimplemented`). */
export const unknownMethodAccess: AccessLevel = 'read';
