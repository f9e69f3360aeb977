import { fsyncDirectory } from './durable-file.js';

/** Shares directory fsyncs between writers; see {@link createDirectorySyncer}. */
export interface DirectorySyncer {
  /** Resolves once every entry made in `dir` before this call is durable. */
  sync(dir: string): Promise<void>;
}

interface PendingSync {
  readonly done: Promise<void>;
}

/**
 * Group commit for directory entries: callers that ask for the same directory before its fsync
 * starts share it. A sync already running may have missed an entry made after it began, so a
 * request arriving then waits for the next one, which starts when the running one ends.
 */
export function createDirectorySyncer(): DirectorySyncer {
  const waiting = new Map<string, PendingSync>();
  const running = new Map<string, Promise<void>>();

  function schedule(dir: string): PendingSync {
    const before = running.get(dir) ?? Promise.resolve();
    // Wait a macrotask so that writers finishing in the same tick join this sync.
    const done = before
      .catch(() => undefined)
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        waiting.delete(dir);
        const sync = fsyncDirectory(dir);
        running.set(dir, sync);
        return sync.finally(() => {
          if (running.get(dir) === sync) running.delete(dir);
        });
      });
    return { done };
  }

  return {
    sync: function syncDirectory(dir: string): Promise<void> {
      let pending = waiting.get(dir);
      if (pending === undefined) {
        pending = schedule(dir);
        waiting.set(dir, pending);
      }
      return pending.done;
    },
  };
}
