import { describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../../src/store/disk/group-commit.js';

/** A flush under the test's control: each call is recorded, and ends when the test says. */
function controlledFlush() {
  const calls: { items: number[]; finish(error?: Error): void }[] = [];
  const waiters: (() => void)[] = [];
  async function flush(items: number[]): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      calls.push({ items, finish: (error) => (error ? reject(error) : resolve()) });
      waiters.splice(0).forEach((wake) => wake());
    });
  }
  /** Resolves once `count` flushes have started. */
  async function started(count: number): Promise<void> {
    // Each pass waits for one more flush to start.
    while (calls.length < count) await new Promise<void>((wake) => waiters.push(wake));
  }
  return { calls, flush, started };
}

/** Records the order in which promises settle. */
function track(order: string[], name: string, promise: Promise<void>): Promise<void> {
  return promise.then(
    () => void order.push(`${name} ok`),
    (error: Error) => void order.push(`${name} ${error.message}`),
  );
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('group commit, pipelined', () => {
  it('joins calls made in the same tick into one flush', async () => {
    const { calls, flush, started } = controlledFlush();
    const group = createGroupCommit(flush);
    const done = Promise.all([group.add([1]), group.add([2, 3]), group.add([4])]);
    await started(1);
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3, 4]]);
    calls[0]!.finish();
    await done;
  });

  it('runs at most maxFlushes flushes at once; a group waiting for one grows meanwhile', async () => {
    const { calls, flush, started } = controlledFlush();
    const group = createGroupCommit(flush, { maxFlushes: 2 });
    const first = group.add([1]);
    await started(1);
    const second = group.add([2]);
    await started(2);
    // Both flushes busy: these wait, and go out together in one flush.
    const third = group.add([3]);
    await tick();
    const fourth = group.add([4]);
    await tick();
    expect(calls).toHaveLength(2);
    calls[1]!.finish();
    await started(3);
    expect(calls.map((c) => c.items)).toEqual([[1], [2], [3, 4]]);
    calls[0]!.finish();
    calls[2]!.finish();
    await Promise.all([first, second, third, fourth]);
  });

  it('settles groups in the order they started, though a later flush ends first', async () => {
    const { calls, flush, started } = controlledFlush();
    const group = createGroupCommit(flush, { maxFlushes: 2 });
    const order: string[] = [];
    const first = track(order, 'first', group.add([1]));
    await started(1);
    const second = track(order, 'second', group.add([2]));
    await started(2);
    calls[1]!.finish();
    await tick();
    await tick();
    expect(order).toEqual([]);
    calls[0]!.finish();
    await Promise.all([first, second]);
    expect(order).toEqual(['first ok', 'second ok']);
  });

  it('fails only the callers of the flush that failed, in turn; later groups still commit', async () => {
    const { calls, flush, started } = controlledFlush();
    const group = createGroupCommit(flush, { maxFlushes: 2 });
    const order: string[] = [];
    const first = track(order, 'first', group.add([1]));
    const alsoFirst = track(order, 'also first', group.add([2]));
    await started(1);
    const second = track(order, 'second', group.add([3]));
    await started(2);
    calls[0]!.finish(new Error('disk full'));
    calls[1]!.finish();
    await Promise.all([first, alsoFirst, second]);
    expect(order).toEqual(['first disk full', 'also first disk full', 'second ok']);
    // The failure left nothing stuck.
    const third = group.add([4]);
    await started(3);
    calls[2]!.finish();
    await third;
  });

  it('keeps serving after a flush that throws instead of rejecting', async () => {
    let calls = 0;
    const group = createGroupCommit<number>((items) => {
      calls++;
      if (items.includes(0)) throw new Error('bad item');
      return Promise.resolve();
    });
    await expect(group.add([0])).rejects.toThrow('bad item');
    await expect(group.add([1])).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });

  it('with maxFlushes 1, flushes one group at a time', async () => {
    const { calls, flush, started } = controlledFlush();
    const group = createGroupCommit(flush, { maxFlushes: 1 });
    const first = group.add([1]);
    await started(1);
    const second = group.add([2]);
    await tick();
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]!.finish();
    await started(2);
    calls[1]!.finish();
    await Promise.all([first, second]);
  });
});
