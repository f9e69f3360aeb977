import { describe, expect, it } from 'vitest';
import { retry } from '../../middleware/retry.js';
import type { Kit } from '../kit.js';
import { ada, expectCode, text } from './expect-code.js';

const fastRetry = () => retry({ baseDelayMs: 5, maxDelayMs: 20 });

/** Retries with idempotency keys do the work exactly once, even when a response is lost. */
export function retryCases(kit: Kit): void {
  describe('retries and idempotency', () => {
    it('retries a commit whose response was lost, and commits exactly once', async () => {
      const repo = await kit.newRepo('exactly-once');
      const lost = kit.faults.stats.lost;
      kit.faults.loseNextResponses(1, { method: 'Commit' });
      const client = kit.clientWith([fastRetry()]);
      const result = await client.commit({ repo, branch: 'main', message: 'once', author: ada, changes: [{ path: 'f', content: text('1') }] });
      expect(kit.faults.stats.lost).toBe(lost + 1);
      const { commits } = await kit.client.listCommits({ repo, ref: 'main' });
      expect(commits.map((c) => c.hash)).toEqual([result.hash]);
    });

    it('without retry, the lost response surfaces as unavailable though the work was done', async () => {
      const repo = await kit.newRepo('no-retry');
      kit.faults.loseNextResponses(1, { method: 'Commit' });
      await expectCode(kit.client.commit({ repo, branch: 'main', message: 'x', author: ada, changes: [] }), 'unavailable');
      expect((await kit.client.listCommits({ repo, ref: 'main' })).commits).toHaveLength(1);
    });

    it('retries idempotent calls through transient failures', async () => {
      const repo = await kit.newRepo('transient');
      kit.faults.failNext(2, { code: 'unavailable', method: 'GetRepository' });
      const client = kit.clientWith([fastRetry()]);
      expect((await client.getRepository({ repo })).repo).toBe(repo);
    });

    it('does not retry a non-idempotent call that carries no key... because the middleware adds one', async () => {
      const repo = await kit.newRepo('keyed');
      kit.faults.failNext(1, { code: 'unavailable', method: 'UpdateRef' });
      const base = await kit.client.commit({ repo, branch: 'main', message: 'b', author: ada, changes: [] });
      const client = kit.clientWith([fastRetry()]);
      await client.updateRef({ repo, name: 'refs/tags/t', newHash: base.hash, expectedOldHash: '' });
      expect((await kit.client.listRefs({ repo, prefix: 'refs/tags/' })).refs).toHaveLength(1);
    });

    it('replays the remembered outcome for a repeated key and refuses the key for another request', async () => {
      const repo = await kit.newRepo('replay');
      const headers = { 'idempotency-key': `replay-${repo}` };
      const request = { repo, branch: 'main', message: 'r', author: ada, changes: [{ path: 'f', content: text('r') }] };
      const [first, second] = await Promise.all([kit.client.commit(request, { headers }), kit.client.commit(request, { headers })]);
      expect(second).toEqual(first);
      const third = await kit.client.commit(request, { headers });
      expect(third).toEqual(first);
      expect((await kit.client.listCommits({ repo, ref: 'main' })).commits).toHaveLength(1);
      await expectCode(kit.client.commit({ ...request, message: 'other' }, { headers }), 'invalid_argument');
    });
  });
}
