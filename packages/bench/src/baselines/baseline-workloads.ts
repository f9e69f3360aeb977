import type { Workload } from '../workloads/workload.js';

// The workloads whose calls a `BaselineClient` makes: StoreBlob one by one or in batches.
const baselineWorkloads = new Set(['store-46b', 'store-46b-x64', 'batch-10', 'batch-100', 'batch-100x8']);

/** Whether the baseline targets run `workload` (only StoreBlob and batches of it have a hand-encoded baseline). */
export function baselineSupports(workload: Workload): boolean {
  return baselineWorkloads.has(workload.name);
}
