import { gitBlobHash } from './git-blob-hash.js';
import { StoredBlobs } from './stored-blobs.js';
import { uniqueContent } from './unique-content.js';
import type { Workload } from './workload.js';

const blobBytes = 46;

/** One BatchOperations of `size` StoreBlob ops of 46 unique bytes, `concurrency` batches in flight. */
export function batchStoreBlobWorkload(size: number, concurrency: number, ops: Workload['ops']): Workload {
  const name = `batch-${size}${concurrency > 1 ? `x${concurrency}` : ''}`;
  return {
    name,
    about: `BatchOperations of ${size} StoreBlob ops (${blobBytes} unique bytes each), ${concurrency === 1 ? 'one batch at a time' : `${concurrency} batches in flight`}`,
    concurrency,
    ops,
    itemsPerOp: size,
    everyVariant: false,
    async prepare(client, repo) {
      const stored = new StoredBlobs(client, repo);
      return {
        async op(index) {
          const contents = Array.from({ length: size }, (_, item) => uniqueContent(name, index * size + item, blobBytes));
          const operations = contents.map((content, item) => ({ id: String(item), method: 'StoreBlob', request: { content } }));
          const { results } = await client.batchOperations({ repo, atomic: false, operations });
          return () => {
            if (results.length !== size) throw new Error(`a batch of ${size} answered ${results.length} results`);
            for (const [item, result] of results.entries()) {
              const expected = gitBlobHash(contents[item]!);
              const hash = result.ok ? (result.response as { hash?: string }).hash : undefined;
              if (result.id !== String(item) || hash !== expected)
                throw new Error(`batch op ${item} answered ${hash ?? result.error?.code}, expected ${expected}`);
              stored.add(expected, contents[item]!);
            }
          };
        },
        verifyState: () => stored.verify(),
      };
    },
  };
}
