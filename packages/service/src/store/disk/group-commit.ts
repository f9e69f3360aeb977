/** Collects writes into shared flushes; see {@link createGroupCommit}. */
export interface GroupCommit<T> {
  /** Queues `items` for the next flush; resolves (or rejects) with that flush. */
  add(items: readonly T[]): Promise<void>;
}

/** Options of {@link createGroupCommit}. */
export interface GroupCommitOptions {
  /**
   * Flushes that may run at once. Default 2: the next group is built and its files written
   * while the previous one waits on its syncs, yet groups still grow under load instead of
   * each caller paying for syncs of its own.
   */
  readonly maxFlushes?: number;
}

/** One group's callers: settled together, once the group and every earlier one have settled. */
interface Group {
  readonly done: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function newGroup(): Group {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { done, resolve, reject };
}

/**
 * Group commit: items added before a flush starts are written by that one flush, so concurrent
 * writers share its syncs. Up to `maxFlushes` flushes run at once; a group waits for a free
 * one, growing meanwhile. Whatever the order flushes end in, groups settle in the order they
 * started, each with its own flush's outcome: a failed flush fails its own callers only. A
 * group starting while a flush is free waits one macrotask first, so that calls made in the
 * same tick (or arriving in the same read from the network) join it.
 */
export function createGroupCommit<T>(flush: (items: T[]) => Promise<void>, options: GroupCommitOptions = {}): GroupCommit<T> {
  const maxFlushes = options.maxFlushes ?? 2;
  let queued: T[] = [];
  let collecting: Group | undefined;
  let startPending = false;
  let running = 0;
  // Settles (never rejects) once the latest started group has settled.
  let lastSettled: Promise<void> = Promise.resolve();

  function start(): void {
    startPending = false;
    const group = collecting;
    if (group === undefined || running >= maxFlushes) return;
    const items = queued;
    queued = [];
    collecting = undefined;
    running++;
    let flushed: Promise<void>;
    try {
      flushed = flush(items);
    } catch (error) {
      flushed = Promise.reject(error);
    }
    const previous = lastSettled;
    lastSettled = flushed.then(
      () => previous.then(() => group.resolve()),
      (error: unknown) => previous.then(() => group.reject(error)),
    );
    void flushed.then(flushEnded, flushEnded);
  }

  function flushEnded(): void {
    running--;
    // Items that waited for this flush have gathered long enough: start them at once.
    if (collecting !== undefined && !startPending) start();
  }

  return {
    add: function addToGroup(items: readonly T[]): Promise<void> {
      for (const item of items) queued.push(item);
      if (collecting === undefined) {
        collecting = newGroup();
        if (running < maxFlushes) {
          startPending = true;
          setImmediate(start);
        }
      }
      return collecting.done;
    },
  };
}
