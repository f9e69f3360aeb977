/** What a `BatchLoader` needs to know; every field set (the batching middleware resolves them). */
export interface BatchLoaderOptions<T> {
  /** Most items in one dispatched batch. */
  readonly maxItems: number;
  /** Most estimated bytes in one dispatched batch; an item bigger than this alone goes out by itself. */
  readonly maxBytes: number;
  /** How long to collect after the first item; `0` collects until the current microtask queue drains. */
  readonly windowMs: number;
  /** The estimated encoded size of one item. */
  readonly sizeOf: (item: T) => number;
  /** Sends one batch: items of one key, in the order they were added. Must not throw. */
  readonly dispatch: (items: readonly T[]) => void;
}

/** Collects items per key and dispatches them in bounded batches once the collection ends. */
export interface BatchLoader<T> {
  /** Queues `item` under `key`; the first item of a collection schedules its flush. */
  add(key: string, item: T): void;
  /** Takes a queued item back out; `false` when it was already dispatched (or never added). */
  remove(key: string, item: T): boolean;
}

type NodeProcess = { readonly nextTick?: (callback: () => void) => void } | undefined;

/**
 * Runs `callback` once the current microtask queue has drained (DataLoader's trick): a promise
 * job, then `process.nextTick` where Node has it, otherwise a zero `setTimeout`.
 */
export function afterMicrotasks(callback: () => void): void {
  void Promise.resolve().then(function scheduleAfterMicrotasks() {
    const nextTick = (globalThis as { process?: NodeProcess }).process?.nextTick;
    if (typeof nextTick === 'function') nextTick(callback);
    else setTimeout(callback, 0);
  });
}

/**
 * Splits `items` into batches in order: a batch ends before the item that would make it exceed
 * `maxItems` or `maxBytes`; an item bigger than `maxBytes` on its own makes a batch of one.
 */
export function splitBatches<T>(items: Iterable<T>, maxItems: number, maxBytes: number, sizeOf: (item: T) => number): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (batch.length > 0 && (batch.length >= maxItems || bytes + size > maxBytes)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * Creates a small keyed loader, like DataLoader: items added in one collection (one turn of the
 * microtask queue, or `windowMs`) are dispatched per key, split by `maxItems` and `maxBytes`.
 */
export function createBatchLoader<T>(options: BatchLoaderOptions<T>): BatchLoader<T> {
  const { maxItems, maxBytes, windowMs, sizeOf, dispatch } = options;
  // A Set per key keeps insertion order and makes removal of an aborted item O(1).
  let queues = new Map<string, Set<T>>();
  let scheduled = false;

  function flush(): void {
    const ready = queues;
    queues = new Map();
    scheduled = false;
    for (const items of ready.values()) {
      for (const batch of splitBatches(items, maxItems, maxBytes, sizeOf)) dispatch(batch);
    }
  }

  return {
    add(key, item) {
      let queue = queues.get(key);
      if (!queue) queues.set(key, (queue = new Set()));
      queue.add(item);
      if (scheduled) return;
      scheduled = true;
      if (windowMs > 0) setTimeout(flush, windowMs);
      else afterMicrotasks(flush);
    },
    remove(key, item) {
      const queue = queues.get(key);
      if (!queue?.delete(item)) return false;
      if (queue.size === 0) queues.delete(key);
      return true;
    },
  };
}
