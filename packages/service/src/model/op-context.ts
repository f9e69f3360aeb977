import type { HandlerContext } from '@govc/core';
import type { RefView } from '../refs/ref-view.js';
import type { OutcomeRecord, RepositoryRecord, Storage } from '../store/storage.js';

/**
 * The records that keep a call's outcome with its final ref move: one per idempotency key the
 * call runs under (none without a key). Pass them to `RefView.update` with the reply the call
 * will give, so that a retry after a crash still gets that reply.
 */
export type DurableOutcome = (outcome: unknown) => readonly OutcomeRecord[];

/** For calls without an idempotency key. */
export const noDurableOutcome: DurableOutcome = () => [];

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
  /** See {@link DurableOutcome}. */
  readonly durableOutcome: DurableOutcome;
  /** Runs `work` alone among the works of this repository under the same key (e.g. one branch's commits). */
  readonly exclusive: <T>(key: string, work: () => Promise<T>) => Promise<T>;
}
