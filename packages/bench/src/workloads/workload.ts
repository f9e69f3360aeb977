import type { GovcClient, Transport } from '@govc/core';

/** Verifies one op once the clock has stopped; throws what is wrong. */
export type Check = () => void | Promise<void>;

/** A workload prepared in one repository, ready to run its ops. */
export interface PreparedWorkload {
  /** Runs op number `index` (unique across the run) and returns what verifies its response. */
  op(index: number): Promise<Check>;
  /** After every op and check: the server holds what the ops wrote (every stored hash, every ref moved). */
  verifyState(): Promise<void>;
}

/**
 * One workload, defined once and run identically over every target. Every op's content is
 * unique, so no cell is a dedup or a cache hit unless its workload says so.
 */
export interface Workload {
  /** Short, for tables and `--workloads`. */
  readonly name: string;
  /** One sentence for the report. */
  readonly about: string;
  /** Calls in flight at once. */
  readonly concurrency: number;
  /** Ops per repetition (after an untimed warm-up of a tenth of it). */
  readonly ops: { readonly quick: number; readonly full: number };
  /** Items one op carries (a batch of 100 stores 100 blobs), so that items/s can be printed. */
  readonly itemsPerOp: number;
  /** Runs on every codec × gzip variant of a target (the ~10 KB structured workloads); else on its default only. */
  readonly everyVariant: boolean;
  /** Untimed: creates what the ops need in `repo`. `transport` is the client's own, for workloads that add middleware (absent for baselines). */
  prepare(client: GovcClient, repo: string, transport: Transport | undefined): Promise<PreparedWorkload>;
}
