import { cpus, totalmem } from 'node:os';
import { runMatrix, type MatrixOptions } from './matrix/run-matrix.js';
import type { BenchReport } from './report/bench-report.js';
import { batchSpeedups } from './report/batch-speedups.js';
import { overheads } from './report/overheads.js';

/** What to run: the same as the matrix's options. */
export type BenchOptions = MatrixOptions;

/** Runs the matrix and assembles its report: the machine, what ran, every cell, the derived ratios. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const startedAt = new Date();
  const repetitions = options.repetitions ?? (options.mode === 'full' ? 5 : 3);
  const { cells, diskSpeed, diskSpeedError } = await runMatrix({ ...options, repetitions });
  const cpu = cpus();
  return {
    version: 1,
    startedAt: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    mode: options.mode,
    repetitions,
    machine: {
      node: process.version,
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 1024 ** 3),
      platform: `${process.platform} ${process.arch}`,
    },
    targets: options.targets.map(({ name, about }) => ({ name, about })),
    workloads: options.workloads.map(({ name, about, concurrency, itemsPerOp }) => ({ name, about, concurrency, itemsPerOp })),
    cells,
    batchSpeedups: batchSpeedups(cells, options.workloads),
    ...(diskSpeed ? { diskSpeed } : {}),
    ...(diskSpeedError ? { diskSpeedError } : {}),
    overheads: overheads(cells),
  };
}
