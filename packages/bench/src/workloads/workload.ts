import type { GovcClient, Transport } from '@govc/core';

/** Verifies one op once the clock has stopped; throws what is wrong. */
export type Check = () => void | Promise<void>;

/** A workload prepared in one repository, ready to run its ops. */
export interface PreparedWorkload {
  /** Runs op number `index` (unique across the run) and returns what verifies its response. */
  op(index: number): Promise<Check>;
  /** After every op and check: the server holds what the ops wrote (every stored hash, every ref moved). */
  verifyState(): Promise<void>;
  /**
   * Figures of its own for the repetition, beyond the runner's (the stream workloads' peak
   * resident sets, in MiB), read once after `verifyState`: keys are camelCase with their unit
   * (`serverPeakRssMiB`), covering every op of the repetition, the warm-up included; they go
   * into the repetition's `extra` figures.
   */
  figures?(): Record<string, number>;
  /**
   * Frees what `prepare` opened and the ops kept (the fan-out's subscriptions). The runner calls
   * it in a `finally`; a workload may also call it itself (at the end of `verifyState`, when
   * `prepare` fails), so it must be safe to call twice.
   */
  close?(): Promise<void>;
}

/** What the runner tells a workload about the process that does the server work. */
export interface WorkloadServer {
  /** That process's id: the `govc serve` child for remote targets, this process for in-process ones. */
  readonly pid: number;
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
  /**
   * Which `govc serve` the remote targets call for it: `memory` (the default) or a second one
   * over a temporary `--data-dir`, started only when a selected workload needs it. Targets with
   * no server process (in-process) run it on their own service whatever this says.
   */
  readonly server?: 'memory' | 'disk';
  /**
   * Untimed: creates what the ops need in `repo`. `transport` is the client's own, for workloads
   * that add middleware (absent for baselines); `server` names the server process, for workloads
   * that measure it (absent when the runner does not know it).
   */
  prepare(client: GovcClient, repo: string, transport: Transport | undefined, server?: WorkloadServer): Promise<PreparedWorkload>;
}
