import { describe, expect, it } from 'vitest';
import type { Kit } from '../kit.js';
import { eventually, expectCode } from './expect-code.js';

/** Deadlines travel with the call and stop the server's work; cancellation ends calls at once. */
export function timingCases(kit: Kit): void {
  describe('deadlines and cancellation', () => {
    it('fails a slow unary call at its deadline, and the server does not do the work', async () => {
      const repo = kit.uniqueRepo('deadline');
      const abandoned = kit.faults.stats.abandoned;
      kit.faults.delayNext(1, 3000, { method: 'CreateRepository' });
      const started = Date.now();
      await expectCode(kit.client.createRepository({ repo }, { deadline: Date.now() + 150 }), 'deadline_exceeded');
      expect(Date.now() - started).toBeLessThan(2500);
      await eventually(() => kit.faults.stats.abandoned > abandoned, 2500);
      await expectCode(kit.client.getRepository({ repo }), 'not_found');
    });

    it('fails at once when the deadline has already passed', async () => {
      await expectCode(kit.client.health({}, { deadline: Date.now() - 1 }), 'deadline_exceeded');
    });

    it('cancels a slow unary call when the caller aborts', async () => {
      const repo = kit.uniqueRepo('abort');
      kit.faults.delayNext(1, 3000, { method: 'CreateRepository' });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      await expectCode(kit.client.createRepository({ repo }, { signal: controller.signal }), 'canceled');
      expect(Date.now() - started).toBeLessThan(2500);
      await expectCode(kit.client.health({}, { signal: AbortSignal.abort() }), 'canceled');
    });

    it('ends a server stream at its deadline', async () => {
      const repo = await kit.newRepo('stream-deadline');
      const stream = kit.client.watchRefs({ repo }, { deadline: Date.now() + 150 });
      await expectCode(async () => {
        for await (const _ of stream) throw new Error('no event was expected');
      }, 'deadline_exceeded');
    });
  });
}
