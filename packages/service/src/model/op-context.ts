import type { RefView } from '../refs/ref-view.js';
import type { RepositoryRecord, Storage } from '../store/storage.js';

/**
 * Everything one operation inside a repository needs: the store, the repository and the refs
 * as this call sees them (moved at once, or staged by an atomic batch).
 */
export interface OpContext {
  readonly store: Storage;
  readonly repo: string;
  readonly record: RepositoryRecord;
  readonly refs: RefView;
  /** Absolute deadline (ms since the epoch) past which long work stops. */
  readonly deadline: number | undefined;
  /** Aborted when the caller is gone. */
  readonly signal: AbortSignal | undefined;
  /** Who is calling (scopes idempotency keys). */
  readonly caller: string;
}
