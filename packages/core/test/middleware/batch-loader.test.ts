import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterMicrotasks, createBatchLoader, splitBatches } from '../../src/middleware/batch-loader.js';
import { drain } from './fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('splitBatches', () => {
  const size = (n: number): number => n;

  it('keeps order and respects maxItems', () => {
    expect(splitBatches([1, 1, 1, 1, 1], 2, 100, size)).toEqual([[1, 1], [1, 1], [1]]);
  });

  it('respects maxBytes, filling a batch up to exactly maxBytes', () => {
    expect(splitBatches([4, 6, 5, 5, 1], 10, 10, size)).toEqual([[4, 6], [5, 5], [1]]);
  });

  it('puts an item bigger than maxBytes in a batch of its own', () => {
    expect(splitBatches([3, 50, 3], 10, 10, size)).toEqual([[3], [50], [3]]);
    expect(splitBatches([50, 60], 10, 10, size)).toEqual([[50], [60]]);
  });

  it('makes no batch from no items', () => {
    expect(splitBatches([], 10, 10, size)).toEqual([]);
  });
});

describe('afterMicrotasks', () => {
  it('runs after the microtasks queued before and after it', async () => {
    const order: string[] = [];
    afterMicrotasks(() => order.push('flush'));
    void Promise.resolve().then(() => order.push('microtask'));
    void Promise.resolve()
      .then(() => undefined)
      .then(() => order.push('later microtask'));
    await drain();
    expect(order).toEqual(['microtask', 'later microtask', 'flush']);
  });

  it('falls back to setTimeout where there is no process.nextTick (browsers)', async () => {
    const nextTick = process.nextTick;
    const callback = vi.fn();
    Object.defineProperty(process, 'nextTick', { value: undefined, configurable: true, writable: true });
    try {
      afterMicrotasks(callback);
      await Promise.resolve(); // the scheduling job has now looked for nextTick
    } finally {
      Object.defineProperty(process, 'nextTick', { value: nextTick, configurable: true, writable: true });
    }
    expect(callback).not.toHaveBeenCalled();
    await drain();
    expect(callback).toHaveBeenCalledTimes(1);
  });
});

describe('createBatchLoader', () => {
  function loader(windowMs = 0, maxItems = 10) {
    const batches: string[][] = [];
    const instance = createBatchLoader<string>({
      maxItems,
      maxBytes: 1_000,
      windowMs,
      sizeOf: (item) => item.length,
      dispatch: (items) => void batches.push([...items]),
    });
    return { instance, batches };
  }

  it('dispatches per key, in the order items were added', async () => {
    const { instance, batches } = loader();
    instance.add('k1', 'a');
    instance.add('k2', 'x');
    instance.add('k1', 'b');
    expect(batches).toEqual([]);
    await drain();
    expect(batches).toEqual([['a', 'b'], ['x']]);
  });

  it('splits a key’s items by maxItems', async () => {
    const { instance, batches } = loader(0, 2);
    for (const item of ['a', 'b', 'c']) instance.add('k', item);
    await drain();
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });

  it('removes a queued item and reports whether it was still queued', async () => {
    const { instance, batches } = loader();
    instance.add('k', 'a');
    instance.add('k', 'b');
    expect(instance.remove('k', 'a')).toBe(true);
    expect(instance.remove('k', 'a')).toBe(false);
    expect(instance.remove('other', 'b')).toBe(false);
    await drain();
    expect(batches).toEqual([['b']]);
    expect(instance.remove('k', 'b')).toBe(false);
  });

  it('dispatches nothing for a key whose items were all removed', async () => {
    const { instance, batches } = loader();
    instance.add('k', 'a');
    instance.remove('k', 'a');
    await drain();
    expect(batches).toEqual([]);
  });

  it('with windowMs, collects for the window and then starts a new one', async () => {
    vi.useFakeTimers();
    const { instance, batches } = loader(50);
    instance.add('k', 'a');
    await vi.advanceTimersByTimeAsync(49);
    instance.add('k', 'b');
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([['a', 'b']]);
    instance.add('k', 'c');
    await vi.advanceTimersByTimeAsync(50);
    expect(batches).toEqual([['a', 'b'], ['c']]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
