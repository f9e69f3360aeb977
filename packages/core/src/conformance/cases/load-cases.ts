import { expect } from 'vitest';
import type { ConformanceCase } from '../conformance-case.js';
import { gitBlobHash } from '../git-blob-hash.js';
import { text } from './expect-code.js';

/** Hundreds of calls in flight at once, each answered correctly. */
export const loadCases: readonly ConformanceCase[] = [
  {
    id: 'concurrency/mixed-400',
    title: 'serves 400 concurrent calls of mixed methods',
    async run(kit) {
      const repo = await kit.newRepo('concurrent');
      const contents = Array.from({ length: 300 }, (_, i) => text(`content number ${i} `.repeat(1 + (i % 7))));
      const [stored, repos] = await Promise.all([
        Promise.all(contents.map((content) => kit.client.storeBlob({ repo, content }))),
        Promise.all(Array.from({ length: 100 }, () => kit.client.getRepository({ repo }))),
      ]);
      expect(stored.map((s) => s.hash)).toEqual(contents.map(gitBlobHash));
      expect(repos.every((r) => r.repo === repo)).toBe(true);
      const { present } = await kit.client.hasObjects({ repo, hashes: stored.map((s) => s.hash) });
      expect(present.every(Boolean)).toBe(true);
      const read = await Promise.all(stored.map((s) => kit.client.getBlob({ repo, hash: s.hash })));
      read.forEach((blob, i) => expect(new Uint8Array(blob.content)).toEqual(contents[i]));
    },
  },
];
