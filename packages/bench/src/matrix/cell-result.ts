import type { LatencyFigures } from '../measure/latency-histogram.js';

/** What one repetition of a cell measured. */
export interface RepetitionFigures {
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSecond: number;
  /** Items (blobs of a batch) per second: ops/s × the workload's items per op. */
  readonly itemsPerSecond: number;
  readonly latencyUs: LatencyFigures;
  /** This process's CPU per op, µs (for in-process targets it includes the service's work). */
  readonly clientCpuUsPerOp: number;
  /** The server process's CPU per op, µs, from /proc (for in-process targets, the same process as the client). */
  readonly serverCpuUsPerOp: number;
  /**
   * JS heap bytes this process allocated per op (for in-process targets, the service's included),
   * the content the workload makes for each op too.
   */
  readonly clientHeapBytesPerOp: number;
  /** What the workload measured besides (peak RSS of client and server for the streams, in MiB). */
  readonly extra?: Readonly<Record<string, number>>;
}

/** The median of a figure over the repetitions, with its range. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** A cell's figures over its repetitions. */
export interface CellSummary {
  readonly opsPerSecond: Spread;
  readonly itemsPerSecond: Spread;
  readonly latencyMeanUs: Spread;
  readonly latencyP50Us: Spread;
  readonly latencyP99Us: Spread;
  readonly clientCpuUsPerOp: Spread;
  readonly serverCpuUsPerOp: Spread;
  readonly clientHeapBytesPerOp: Spread;
}

/** One cell of the matrix: a target, a variant of it, a workload. */
export interface CellResult {
  readonly target: string;
  readonly variant: string;
  readonly workload: string;
  /** `failed` when any response or the server's state did not verify: such a cell has no figures. */
  readonly status: 'ok' | 'failed';
  readonly error?: string;
  readonly repetitions: readonly RepetitionFigures[];
  readonly summary?: CellSummary;
}

/** The median and range of `values` (at least one). */
export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

/** Summarises the repetitions of a cell that verified. */
export function summarise(repetitions: readonly RepetitionFigures[]): CellSummary {
  const of = (pick: (figures: RepetitionFigures) => number): Spread => spreadOf(repetitions.map(pick));
  return {
    opsPerSecond: of((r) => r.opsPerSecond),
    itemsPerSecond: of((r) => r.itemsPerSecond),
    latencyMeanUs: of((r) => r.latencyUs.mean),
    latencyP50Us: of((r) => r.latencyUs.p50),
    latencyP99Us: of((r) => r.latencyUs.p99),
    clientCpuUsPerOp: of((r) => r.clientCpuUsPerOp),
    serverCpuUsPerOp: of((r) => r.serverCpuUsPerOp),
    clientHeapBytesPerOp: of((r) => r.clientHeapBytesPerOp),
  };
}
