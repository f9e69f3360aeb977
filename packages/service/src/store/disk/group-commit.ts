/** Collects writes into shared flushes; see {@link createGroupCommit}. */
export interface GroupCommit<T> {
  /** Queues `items` for the next flush; resolves (or rejects) with that flush. */
  add(items: readonly T[]): Promise<void>;
}

/**
 * Group commit: items added before a flush starts are written by that one flush, so concurrent
 * writers share its fsyncs. One flush runs at a time; items arriving meanwhile wait for the next,
 * which starts as soon as the running one ends. The first flush waits one macrotask, so calls
 * made in the same tick join it.
 */
export function createGroupCommit<T>(flush: (items: T[]) => Promise<void>): GroupCommit<T> {
  let queued: T[] = [];
  let next: Promise<void> | undefined;
  let running: Promise<void> = Promise.resolve();

  function scheduleFlush(): Promise<void> {
    const done = running
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        const items = queued;
        queued = [];
        next = undefined;
        return flush(items);
      });
    running = done.catch(() => undefined);
    return done;
  }

  return {
    add: function addToGroup(items: readonly T[]): Promise<void> {
      queued.push(...items);
      next ??= scheduleFlush();
      return next;
    },
  };
}
