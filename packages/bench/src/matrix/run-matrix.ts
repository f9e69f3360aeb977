import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGovcServe, type GovcServeProcess } from '../server/govc-serve-process.js';
import { variantName, type Target, type Variant } from '../targets/target.js';
import type { Workload } from '../workloads/workload.js';
import { summarise, type CellResult, type RepetitionFigures } from './cell-result.js';
import { runRepetition, type OpCounter } from './run-repetition.js';
import { probeDiskSpeed, type DiskSpeed } from '../measure/disk-speed.js';

/** How much a run measures. */
export type BenchMode = 'quick' | 'full';

export interface MatrixOptions {
  readonly targets: readonly Target[];
  readonly workloads: readonly Workload[];
  readonly mode: BenchMode;
  /** Repetitions per cell. Default: 3 for quick, 5 for full. */
  readonly repetitions?: number;
  /** Scales every workload's op count (tests run tiny matrices). Default 1. */
  readonly opsScale?: number;
  /** Hears what runs: `done` of `total` cell repetitions. */
  readonly onProgress?: (progress: { done: number; total: number; cell: string }) => void;
}

interface Cell {
  readonly target: Target;
  readonly variant: Variant;
  readonly workload: Workload;
  readonly repetitions: RepetitionFigures[];
  error?: string;
}

/** The cells of the matrix: each target × workload it supports, on every variant for the workloads that vary them. */
function cellsOf(targets: readonly Target[], workloads: readonly Workload[]): Cell[] {
  const cells: Cell[] = [];
  for (const target of targets) {
    for (const workload of workloads) {
      if (target.supports && !target.supports(workload)) continue;
      const variants = workload.everyVariant ? target.variants : target.variants.slice(0, 1);
      for (const variant of variants) cells.push({ target, variant, workload, repetitions: [] });
    }
  }
  return cells;
}

const cellName = (cell: Cell): string => `${cell.target.name} ${variantName(cell.variant)} ${cell.workload.name}`;

const onDisk = (workload: Workload): boolean => workload.server === 'disk';

/** The `govc serve` children the cells call: the in-memory one, and one over a temporary data dir. */
interface Servers {
  memory?: GovcServeProcess;
  disk?: GovcServeProcess;
  dataDir?: string;
}

/** Starts the servers that some remote cell calls, and only those. */
async function startServers(cells: readonly Cell[], servers: Servers): Promise<void> {
  const remote = cells.filter((cell) => cell.target.remote);
  if (remote.some((cell) => !onDisk(cell.workload))) servers.memory = await startGovcServe();
  if (remote.some((cell) => onDisk(cell.workload))) {
    servers.dataDir = await mkdtemp(join(tmpdir(), 'govc-bench-'));
    servers.disk = await startGovcServe([], { dataDir: servers.dataDir });
  }
}

async function stopServers(servers: Servers): Promise<void> {
  await servers.memory?.close();
  await servers.disk?.close();
  if (servers.dataDir !== undefined) await rm(servers.dataDir, { recursive: true, force: true });
}

/**
 * Runs the matrix: one `govc serve` child for the remote targets (and a second one over a
 * temporary `--data-dir`, removed at the end, when a remote cell's workload runs on disk), then every cell's repetitions,
 * the cells in a rotated order each round so that no cell always runs first (or after the same
 * neighbour). A cell that fails verification once is failed and runs no more. Each target's
 * `dispose` runs at the end, so that no server process of a target outlives the run.
 */
/** What a matrix run measured: every cell, and the disk's own speed when disk workloads ran on a server. */
export interface MatrixResult {
  readonly cells: CellResult[];
  /** `dd … conv=fsync` on the `--data-dir` server's disk, after the cells (so it slows none of them). */
  readonly diskSpeed?: DiskSpeed;
  /** Why the disk probe did not run or failed, when disk workloads ran. */
  readonly diskSpeedError?: string;
}

export async function runMatrix(options: MatrixOptions): Promise<MatrixResult> {
  const repetitions = options.repetitions ?? (options.mode === 'full' ? 5 : 3);
  const scale = options.opsScale ?? 1;
  const cells = cellsOf(options.targets, options.workloads);
  const servers: Servers = {};
  const counter: OpCounter = { next: 0 };
  const total = cells.length * repetitions;
  let done = 0;
  let diskSpeed: DiskSpeed | undefined;
  let diskSpeedError: string | undefined;
  try {
    await startServers(cells, servers);
    for (let round = 0; round < repetitions; round++) {
      const shift = cells.length === 0 ? 0 : (round * Math.max(1, Math.floor(cells.length / repetitions))) % cells.length;
      const order = [...cells.slice(shift), ...cells.slice(0, shift)];
      for (const cell of order) {
        options.onProgress?.({ done, total, cell: cellName(cell) });
        if (cell.error === undefined) {
          const ops = Math.max(1, Math.round(cell.workload.ops[options.mode] * scale));
          const repo = `bench-${cells.indexOf(cell)}-${round}`;
          const server = onDisk(cell.workload) ? servers.disk : servers.memory;
          try {
            cell.repetitions.push(await runRepetition(cell.target, cell.variant, cell.workload, ops, repo, server, counter));
          } catch (error) {
            cell.error = error instanceof Error ? error.message : String(error);
          }
        }
        done++;
      }
    }
    if (servers.dataDir !== undefined) {
      try {
        diskSpeed = await probeDiskSpeed(servers.dataDir);
      } catch (error) {
        diskSpeedError = error instanceof Error ? error.message : String(error);
      }
    }
  } finally {
    await stopServers(servers);
    for (const target of options.targets) await target.dispose?.();
  }
  options.onProgress?.({ done, total, cell: '' });
  const results = cells.map((cell): CellResult => {
    const base = { target: cell.target.name, variant: variantName(cell.variant), workload: cell.workload.name };
    if (cell.error !== undefined) return { ...base, status: 'failed', error: cell.error, repetitions: [] };
    return { ...base, status: 'ok', repetitions: cell.repetitions, summary: summarise(cell.repetitions) };
  });
  return { cells: results, ...(diskSpeed ? { diskSpeed } : {}), ...(diskSpeedError ? { diskSpeedError } : {}) };
}
