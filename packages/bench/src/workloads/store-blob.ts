import { gitBlobHash } from './git-blob-hash.js';
import { StoredBlobs } from './stored-blobs.js';
import { uniqueContent } from './unique-content.js';
import type { Workload } from './workload.js';

/** StoreBlob of `size` unique bytes with `concurrency` calls in flight. */
export function storeBlobWorkload(name: string, size: number, concurrency: number, ops: Workload['ops']): Workload {
  return {
    name,
    about: `StoreBlob of ${size} unique bytes, ${concurrency === 1 ? 'one call at a time (latency)' : `${concurrency} calls in flight (throughput)`}`,
    concurrency,
    ops,
    itemsPerOp: 1,
    everyVariant: false,
    async prepare(client, repo) {
      const stored = new StoredBlobs(client, repo);
      return {
        async op(index) {
          const content = uniqueContent(name, index, size);
          const response = await client.storeBlob({ repo, content });
          return () => {
            const expected = gitBlobHash(content);
            if (response.hash !== expected || response.size !== size)
              throw new Error(`StoreBlob answered ${response.hash} (${response.size} B), expected ${expected}`);
            stored.add(expected, content);
          };
        },
        verifyState: () => stored.verify(),
      };
    },
  };
}
