import { gitBlobHash } from './git-blob-hash.js';
import { sameBytes } from './stored-blobs.js';
import { uniqueContent } from './unique-content.js';
import type { Workload } from './workload.js';

/**
 * GetBlob of existing blobs of `size` bytes, round robin over `distinctBlobs` stored untimed
 * (by default enough that the ops do not read one hot object over and over).
 */
export function getBlobWorkload(name: string, size: number, concurrency: number, ops: Workload['ops'], distinctBlobs = 256): Workload {
  return {
    name,
    about: `GetBlob of existing ${size}-byte blobs, ${concurrency === 1 ? 'one call at a time' : `${concurrency} in flight`}`,
    concurrency,
    ops,
    itemsPerOp: 1,
    everyVariant: false,
    async prepare(client, repo) {
      const blobs = Array.from({ length: distinctBlobs }, (_, index) => uniqueContent(name, index, size));
      const hashes = await Promise.all(blobs.map(async (content) => (await client.storeBlob({ repo, content })).hash));
      return {
        async op(index) {
          const which = index % distinctBlobs;
          const blob = await client.getBlob({ repo, hash: hashes[which]! });
          return () => {
            if (!sameBytes(blob.content, blobs[which]!)) throw new Error(`GetBlob ${hashes[which]} returned different bytes`);
          };
        },
        async verifyState() {
          for (const [which, content] of blobs.entries())
            if (hashes[which] !== gitBlobHash(content)) throw new Error(`blob ${which} was stored as ${hashes[which]}`);
        },
      };
    },
  };
}
