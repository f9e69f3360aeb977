import { batchStoreBlobWorkload } from './batch-store-blob.js';
import { batchingBurstWorkload } from './batching-burst.js';
import { commitFilesWorkload } from './commit-files.js';
import { downloadBlobStreamWorkload } from './download-blob-stream.js';
import { getBlobWorkload } from './get-blob.js';
import { listCommitsWorkload } from './list-commits.js';
import { storeBlobWorkload } from './store-blob.js';
import { uploadBlobStreamWorkload } from './upload-blob-stream.js';
import { watchFanoutWorkload } from './watch-fanout.js';
import type { Workload } from './workload.js';

const MiB = 1024 * 1024;

/** Every workload of the matrix, in table order, with its op counts per repetition (quick, full). */
export function allWorkloads(): Workload[] {
  return [
    storeBlobWorkload('store-46b', 46, 1, { quick: 1_000, full: 5_000 }),
    storeBlobWorkload('store-46b-x64', 46, 64, { quick: 4_000, full: 20_000 }),
    getBlobWorkload('get-46b', 46, 1, { quick: 1_000, full: 5_000 }),
    commitFilesWorkload({ quick: 150, full: 600 }),
    listCommitsWorkload({ quick: 300, full: 1_500 }),
    storeBlobWorkload('store-1mib', MiB, 1, { quick: 20, full: 100 }),
    getBlobWorkload('get-1mib', MiB, 1, { quick: 20, full: 100 }, 8),
    batchStoreBlobWorkload(10, 1, { quick: 200, full: 1_000 }),
    batchStoreBlobWorkload(100, 1, { quick: 40, full: 200 }),
    batchStoreBlobWorkload(100, 8, { quick: 80, full: 400 }),
    batchingBurstWorkload(1_000, { quick: 8, full: 40 }),
    uploadBlobStreamWorkload({ quick: 2, full: 3 }),
    downloadBlobStreamWorkload({ quick: 2, full: 3 }),
    watchFanoutWorkload({ quick: 50, full: 200 }),
  ];
}
