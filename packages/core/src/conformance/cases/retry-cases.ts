import { expect } from 'vitest';
import { retry } from '../../middleware/retry.js';
import type { ConformanceCase } from '../conformance-case.js';
import { ada, expectCode, text } from './expect-code.js';

const fastRetry = () => retry({ baseDelayMs: 5, maxDelayMs: 20 });

/** Retries with idempotency keys do the work exactly once, even when a response is lost. */
export const retryCases: readonly ConformanceCase[] = [
  {
    id: 'retries/lost-response-exactly-once',
    title: 'retries a commit whose response was lost, and commits exactly once',
    async run(kit) {
      const repo = await kit.newRepo('exactly-once');
      const lost = kit.faults.stats.lost;
      kit.faults.loseNextResponses(1, { method: 'Commit' });
      const client = kit.clientWith([fastRetry()]);
      const result = await client.commit({
        repo,
        branch: 'main',
        message: 'once',
        author: ada,
        changes: [{ path: 'f', content: text('1') }],
      });
      expect(kit.faults.stats.lost).toBe(lost + 1);
      const { commits } = await kit.client.listCommits({ repo, ref: 'main' });
      expect(commits.map((c) => c.hash)).toEqual([result.hash]);
    },
  },
  {
    id: 'retries/lost-response-without-retry',
    title: 'without retry, the lost response surfaces as unavailable though the work was done',
    async run(kit) {
      const repo = await kit.newRepo('no-retry');
      kit.faults.loseNextResponses(1, { method: 'Commit' });
      await expectCode(kit.client.commit({ repo, branch: 'main', message: 'x', author: ada, changes: [] }), 'unavailable');
      expect((await kit.client.listCommits({ repo, ref: 'main' })).commits).toHaveLength(1);
    },
  },
  {
    id: 'retries/idempotent-transient',
    title: 'retries idempotent calls through transient failures',
    async run(kit) {
      const repo = await kit.newRepo('transient');
      kit.faults.failNext(2, { code: 'unavailable', method: 'GetRepository' });
      const client = kit.clientWith([fastRetry()]);
      expect((await client.getRepository({ repo })).repo).toBe(repo);
    },
  },
  {
    id: 'retries/keyed-non-idempotent',
    title: 'keys a retried non-idempotent call, so the retry replays what the lost first try did',
    async run(kit) {
      const repo = await kit.newRepo('keyed');
      const base = await kit.client.commit({ repo, branch: 'main', message: 'b', author: ada, changes: [] });
      // The first try moves the ref and its response is lost: without the key reaching the
      // server, the retry's compare-and-swap would find the ref moved and fail with aborted.
      const lost = kit.faults.stats.lost;
      kit.faults.loseNextResponses(1, { method: 'UpdateRef' });
      const client = kit.clientWith([fastRetry()]);
      await client.updateRef({ repo, name: 'refs/tags/t', newHash: base.hash, expectedOldHash: '' });
      expect(kit.faults.stats.lost).toBe(lost + 1);
      expect((await kit.client.listRefs({ repo, prefix: 'refs/tags/' })).refs).toEqual([{ name: 'refs/tags/t', hash: base.hash }]);
    },
  },
  {
    id: 'retries/key-replay',
    title: 'replays the remembered outcome for a repeated key and refuses the key for another request',
    async run(kit) {
      const repo = await kit.newRepo('replay');
      const headers = { 'idempotency-key': `replay-${repo}` };
      const request = { repo, branch: 'main', message: 'r', author: ada, changes: [{ path: 'f', content: text('r') }] };
      const [first, second] = await Promise.all([kit.client.commit(request, { headers }), kit.client.commit(request, { headers })]);
      expect(second).toEqual(first);
      const third = await kit.client.commit(request, { headers });
      expect(third).toEqual(first);
      expect((await kit.client.listCommits({ repo, ref: 'main' })).commits).toHaveLength(1);
      await expectCode(kit.client.commit({ ...request, message: 'other' }, { headers }), 'invalid_argument');
    },
  },
];
