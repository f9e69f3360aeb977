import type { HandlerContext } from '@govc/core';
import type { RefView } from '../refs/ref-view.js';
import type { RepositoryRecord, Storage } from '../store/storage.js';

/**
 * Everything one operation inside a repository needs: the store, the repository, the refs as
 * this call sees them (moved at once, or staged by an atomic batch) and the call itself (its
 * deadline, its signal — read only where work is long, since a transport may make it lazily —
 * and its caller).
 */
export interface OpContext {
  readonly store: Storage;
  readonly repo: string;
  readonly record: RepositoryRecord;
  readonly refs: RefView;
  readonly call: HandlerContext;
  /** Runs `work` alone among the works of this repository under the same key (e.g. one branch's commits). */
  readonly exclusive: <T>(key: string, work: () => Promise<T>) => Promise<T>;
}
