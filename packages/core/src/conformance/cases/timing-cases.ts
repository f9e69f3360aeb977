import { expect } from 'vitest';
import type { ConformanceCase } from '../conformance-case.js';
import type { Kit } from '../kit.js';
import { eventually, expectCode, sleep, text } from './expect-code.js';

/** How long a stalled client stream stalls: past every bound the cases assert, yet bounded. */
const stallMs = 3000;

/** An upload that sends its first bytes, then stalls until `stallMs` has passed. */
async function* stalledUpload(repo: string): AsyncGenerator<{ repo?: string; size?: number; data?: Uint8Array }> {
  yield { repo, size: 10 };
  yield { data: text('12345') };
  await sleep(stallMs);
}

/**
 * A client stream that stalls ends at once for `end` ('canceled' or 'deadline_exceeded'), and the
 * server learns of it too: its handler's signal aborts.
 */
async function stalledUploadEnds(kit: Kit, end: 'canceled' | 'deadline_exceeded'): Promise<void> {
  const repo = await kit.newRepo(`upload-${end}`);
  const canceled = kit.probe.streamsCanceled;
  const controller = new AbortController();
  const options = end === 'canceled' ? { signal: controller.signal } : { deadline: Date.now() + 150 };
  if (end === 'canceled') setTimeout(() => controller.abort(), 100);
  const started = Date.now();
  await expectCode(kit.client.uploadBlob(stalledUpload(repo), options), end);
  expect(Date.now() - started).toBeLessThan(stallMs - 500);
  await eventually(() => kit.probe.streamsCanceled > canceled, stallMs - 500, 'the server never learned that the upload ended');
}

/** Deadlines travel with the call and stop the server's work; cancellation ends calls at once, on both sides. */
export const timingCases: readonly ConformanceCase[] = [
  {
    id: 'timing/unary-deadline',
    title: 'fails a slow unary call at its deadline, and the server does not do the work',
    async run(kit) {
      const repo = kit.uniqueRepo('deadline');
      const abandoned = kit.faults.stats.abandoned;
      kit.faults.delayNext(1, 3000, { method: 'CreateRepository' });
      const started = Date.now();
      await expectCode(kit.client.createRepository({ repo }, { deadline: Date.now() + 150 }), 'deadline_exceeded');
      expect(Date.now() - started).toBeLessThan(2500);
      await eventually(() => kit.faults.stats.abandoned > abandoned, 2500, 'the server kept working past the deadline');
      await expectCode(kit.client.getRepository({ repo }), 'not_found');
    },
  },
  {
    id: 'timing/past-deadline',
    title: 'fails at once when the deadline has already passed',
    async run(kit) {
      await expectCode(kit.client.health({}, { deadline: Date.now() - 1 }), 'deadline_exceeded');
    },
  },
  {
    id: 'timing/unary-cancel',
    title: 'cancels a slow unary call when the caller aborts, and the server does not do the work',
    async run(kit) {
      const repo = kit.uniqueRepo('abort');
      const abandoned = kit.faults.stats.abandoned;
      kit.faults.delayNext(1, 3000, { method: 'CreateRepository' });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      await expectCode(kit.client.createRepository({ repo }, { signal: controller.signal }), 'canceled');
      expect(Date.now() - started).toBeLessThan(2500);
      await eventually(() => kit.faults.stats.abandoned > abandoned, 2500, 'the server kept working after the cancel');
      await expectCode(kit.client.getRepository({ repo }), 'not_found');
      await expectCode(kit.client.health({}, { signal: AbortSignal.abort() }), 'canceled');
    },
  },
  {
    id: 'timing/client-stream-deadline',
    title: 'ends a stalled client stream at its deadline, on both sides',
    run: (kit) => stalledUploadEnds(kit, 'deadline_exceeded'),
  },
  {
    id: 'timing/client-stream-cancel',
    title: 'ends a stalled client stream when the caller aborts, on both sides',
    run: (kit) => stalledUploadEnds(kit, 'canceled'),
  },
  {
    id: 'timing/server-stream-deadline',
    title: 'ends a server stream at its deadline, on both sides',
    async run(kit) {
      const repo = await kit.newRepo('stream-deadline');
      const canceled = kit.probe.streamsCanceled;
      const stream = kit.client.watchRefs({ repo }, { deadline: Date.now() + 150 });
      await expectCode(async () => {
        for await (const _ of stream) throw new Error('no event was expected');
      }, 'deadline_exceeded');
      await eventually(() => kit.probe.streamsCanceled > canceled, 2500, 'the server stream outlived its deadline');
    },
  },
];
