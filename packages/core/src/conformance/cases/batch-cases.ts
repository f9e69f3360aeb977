import { expect } from 'vitest';
import { batching } from '../../middleware/batching.js';
import type { ConformanceCase } from '../conformance-case.js';
import { ada, expectCode, text } from './expect-code.js';

/** BatchOperations: order, partial failure, atomic all-or-nothing, limits; and the batching middleware. */
export const batchCases: readonly ConformanceCase[] = [
  {
    id: 'batches/request-order',
    title: 'answers in request order, each op doing its real work',
    async run(kit) {
      const repo = await kit.newRepo('batch-order');
      const { results } = await kit.client.batchOperations({
        repo,
        operations: [
          { id: 'a', method: 'StoreBlob', request: { content: text('one') } },
          { id: 'b', method: 'StoreBlob', request: { repo, content: text('two') } },
          {
            id: 'c',
            method: 'Commit',
            request: { branch: 'main', message: 'm', author: ada, changes: [{ path: 'f', content: text('f') }] },
          },
          { id: 'd', method: 'ListRefs', request: {} },
        ],
      });
      expect(results.map((r) => [r.id, r.method, r.ok])).toEqual([
        ['a', 'StoreBlob', true],
        ['b', 'StoreBlob', true],
        ['c', 'Commit', true],
        ['d', 'ListRefs', true],
      ]);
      const hashA = (results[0]!.response as { hash: string }).hash;
      expect(new TextDecoder().decode((await kit.client.getBlob({ repo, hash: hashA })).content)).toBe('one');
      const commitHash = (results[2]!.response as { hash: string }).hash;
      expect(results[3]!.response).toEqual({ refs: [{ name: 'refs/heads/main', hash: commitHash }] });
    },
  },
  {
    id: 'batches/partial-failure',
    title: 'lets ops fail alone when not atomic',
    async run(kit) {
      const repo = await kit.newRepo('batch-partial');
      const { results } = await kit.client.batchOperations({
        repo,
        operations: [
          { id: '1', method: 'StoreBlob', request: { content: text('x') } },
          { id: '2', method: 'GetBlob', request: { hash: 'b'.repeat(40) } },
          { id: '3', method: 'StoreBlob', request: { repo: 'other-repo', content: text('y') } },
          { id: '4', method: 'StoreBlob', request: { content: text('z') } },
        ],
      });
      expect(results.map((r) => (r.ok ? 'ok' : r.error!.code))).toEqual(['ok', 'not_found', 'invalid_argument', 'ok']);
    },
  },
  {
    id: 'batches/atomic-failure',
    title: 'moves no ref when an atomic batch fails, and every other op reports aborted',
    async run(kit) {
      const repo = await kit.newRepo('batch-atomic');
      const base = await kit.client.commit({
        repo,
        branch: 'main',
        message: 'base',
        author: ada,
        changes: [{ path: 'f', content: text('0') }],
      });
      const { results } = await kit.client.batchOperations({
        repo,
        atomic: true,
        operations: [
          { id: 'tag', method: 'UpdateRef', request: { name: 'refs/tags/t', newHash: base.hash, expectedOldHash: '' } },
          {
            id: 'commit',
            method: 'Commit',
            request: { branch: 'main', message: 'x', author: ada, changes: [{ path: 'g', content: text('1') }] },
          },
          { id: 'bad', method: 'GetBlob', request: { hash: 'c'.repeat(40) } },
          { id: 'after', method: 'StoreBlob', request: { content: text('later') } },
        ],
      });
      expect(results.map((r) => [r.id, r.ok ? 'ok' : r.error!.code])).toEqual([
        ['tag', 'aborted'],
        ['commit', 'aborted'],
        ['bad', 'not_found'],
        ['after', 'aborted'],
      ]);
      expect((await kit.client.listRefs({ repo })).refs).toEqual([{ name: 'refs/heads/main', hash: base.hash }]);
    },
  },
  {
    id: 'batches/atomic-success',
    title: 'moves every ref of an atomic batch together, ops seeing earlier ones',
    async run(kit) {
      const repo = await kit.newRepo('batch-atomic-ok');
      const { results } = await kit.client.batchOperations({
        repo,
        atomic: true,
        operations: [
          {
            id: 'c1',
            method: 'Commit',
            request: { branch: 'main', message: '1', author: ada, changes: [{ path: 'a', content: text('a') }] },
          },
          {
            id: 'c2',
            method: 'Commit',
            request: { branch: 'main', message: '2', author: ada, changes: [{ path: 'b', content: text('b') }] },
          },
          { id: 'read', method: 'ReadFile', request: { ref: 'main', path: 'a' } },
          {
            id: 'dev',
            method: 'Commit',
            request: { branch: 'dev', message: 'd', author: ada, changes: [{ path: 'd', content: text('d') }] },
          },
        ],
      });
      expect(results.every((r) => r.ok)).toBe(true);
      const c1 = (results[0]!.response as { hash: string }).hash;
      const c2 = results[1]!.response as { hash: string; parents: string[] };
      expect(c2.parents).toEqual([c1]);
      const refs = (await kit.client.listRefs({ repo })).refs.map((r) => r.name);
      expect(refs).toEqual(['refs/heads/dev', 'refs/heads/main']);
      expect((await kit.client.getRepository({ repo })).head).toBe(c2.hash);
    },
  },
  {
    id: 'batches/limits',
    title: 'refuses more than 1,000 ops and unknown methods',
    async run(kit) {
      const repo = await kit.newRepo('batch-limits');
      const operations = Array.from({ length: 1001 }, (_, i) => ({ id: String(i), method: 'ListRefs', request: {} }));
      await expectCode(kit.client.batchOperations({ repo, operations }), 'invalid_argument');
      await expectCode(
        kit.client.batchOperations({ repo, operations: [{ id: 'x', method: 'DeleteRepository', request: {} }] }),
        'invalid_argument',
      );
    },
  },
  {
    id: 'batches/batching-middleware',
    title: 'batches concurrent calls through the batching middleware, each caller getting its own answer',
    async run(kit) {
      const repo = await kit.newRepo('batching');
      const client = kit.clientWith([batching()]);
      const contents = Array.from({ length: 60 }, (_, i) => `blob ${i}`);
      const stored = await Promise.all(contents.map((c) => client.storeBlob({ repo, content: text(c) })));
      const missing = client.getBlob({ repo, hash: 'd'.repeat(40) });
      const read = await Promise.all(stored.map((s) => client.getBlob({ repo, hash: s.hash })));
      expect(read.map((b) => new TextDecoder().decode(b.content))).toEqual(contents);
      await expectCode(missing, 'not_found');
    },
  },
];
