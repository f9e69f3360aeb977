import { batching, createClient } from '@govc/core';
import { gitBlobHash } from './git-blob-hash.js';
import { StoredBlobs } from './stored-blobs.js';
import { uniqueContent } from './unique-content.js';
import type { Workload } from './workload.js';

const blobBytes = 46;

/** A burst of `size` concurrent StoreBlob calls through the `batching()` middleware, which sends them as batches. */
export function batchingBurstWorkload(size: number, ops: Workload['ops']): Workload {
  const name = `burst-${size}-batching`;
  return {
    name,
    about: `a burst of ${size} concurrent StoreBlob calls (${blobBytes} unique bytes each) through the batching() middleware`,
    concurrency: 1,
    ops,
    itemsPerOp: size,
    everyVariant: false,
    async prepare(plain, repo, transport) {
      if (!transport) throw new Error(`${name} needs the target's transport to add the batching middleware`);
      const client = createClient(transport, { middleware: [batching()] });
      const stored = new StoredBlobs(plain, repo);
      return {
        async op(index) {
          const contents = Array.from({ length: size }, (_, item) => uniqueContent(name, index * size + item, blobBytes));
          const responses = await Promise.all(contents.map((content) => client.storeBlob({ repo, content })));
          return () => {
            for (const [item, response] of responses.entries()) {
              const expected = gitBlobHash(contents[item]!);
              if (response.hash !== expected) throw new Error(`call ${item} of the burst answered ${response.hash}, expected ${expected}`);
              stored.add(expected, contents[item]!);
            }
          };
        },
        verifyState: () => stored.verify(),
      };
    },
  };
}
