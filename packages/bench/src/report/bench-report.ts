import type { CellResult } from '../matrix/cell-result.js';
import type { Overhead } from './overheads.js';

/** What a run wrote: the machine, the command, and every cell. */
export interface BenchReport {
  readonly version: 1;
  readonly startedAt: string;
  readonly seconds: number;
  readonly mode: 'quick' | 'full';
  readonly repetitions: number;
  readonly machine: {
    readonly node: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGiB: number;
    readonly platform: string;
  };
  readonly targets: readonly { readonly name: string; readonly about: string }[];
  readonly workloads: readonly {
    readonly name: string;
    readonly about: string;
    readonly concurrency: number;
    readonly itemsPerOp: number;
  }[];
  readonly cells: readonly CellResult[];
  /** The `--data-dir` disk's synced sequential write speed (`dd bs=1M count=256 conv=fsync`), when disk workloads ran on a server. */
  readonly diskSpeed?: { readonly bytes: number; readonly seconds: number; readonly megabytesPerSecond: number };
  /** Why the disk probe failed, when it did. */
  readonly diskSpeedError?: string;
  /** Per target and variant: how much faster a batch stores each blob than one call per blob (medians of per-repetition ratios). */
  readonly batchSpeedups: readonly BatchSpeedup[];
  /** govc against the raw baselines of the same run, with the bounds (medians of per-repetition ratios). */
  readonly overheads: readonly Overhead[];
}

export interface BatchSpeedup {
  readonly target: string;
  readonly variant: string;
  readonly batch: string;
  /** Time per blob one by one ÷ time per blob in the batch. */
  readonly speedup: { readonly median: number; readonly min: number; readonly max: number };
}
