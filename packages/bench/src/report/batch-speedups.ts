import { spreadOf, type CellResult } from '../matrix/cell-result.js';
import type { Workload } from '../workloads/workload.js';
import type { BatchSpeedup } from './bench-report.js';

/**
 * For each target and variant that ran both: the batch workloads against one-call-at-a-time
 * StoreBlob of the same bytes (`store-46b`), as time per blob, ratioed per repetition (both ran
 * in the same round) and then medianed.
 */
export function batchSpeedups(cells: readonly CellResult[], workloads: readonly Workload[]): BatchSpeedup[] {
  const speedups: BatchSpeedup[] = [];
  for (const single of cells.filter((cell) => cell.workload === 'store-46b' && cell.status === 'ok')) {
    for (const batch of cells) {
      const workload = workloads.find((candidate) => candidate.name === batch.workload);
      if (!workload || !batch.workload.startsWith('batch-') || workload.concurrency !== 1) continue;
      if (batch.target !== single.target || batch.variant !== single.variant || batch.status !== 'ok') continue;
      const rounds = Math.min(single.repetitions.length, batch.repetitions.length);
      if (rounds === 0) continue;
      const ratios = Array.from({ length: rounds }, (_, round) => {
        const perBlobOneByOne = single.repetitions[round]!.latencyUs.mean;
        const perBlobBatched = batch.repetitions[round]!.latencyUs.mean / workload.itemsPerOp;
        return perBlobOneByOne / perBlobBatched;
      });
      speedups.push({ target: single.target, variant: single.variant, batch: batch.workload, speedup: spreadOf(ratios) });
    }
  }
  return speedups;
}
