import { GovcError, type RefEvent } from '@govc/core';
import type { RefChange } from '../store/storage.js';

export interface RefEventLogOptions {
  /** Events kept for `sinceSeq` resumes. Default 10,000: bounded memory, minutes of history for busy repos. */
  readonly history?: number;
}

/**
 * One repository's ref changes, numbered from 1. Watchers read the shared history by sequence
 * number rather than through queues of their own, so a slow watcher costs no memory: if it falls
 * further behind than the history reaches, it gets `out_of_range` and must resync.
 */
export class RefEventLog {
  readonly #history: number;
  readonly #events: RefEvent[] = [];
  #lastSeq = 0;
  #closed = false;
  readonly #wake = new Set<() => void>();

  constructor(options: RefEventLogOptions = {}) {
    this.#history = options.history ?? 10_000;
  }

  /** The sequence number of the latest event (0 before any). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Records changes that took effect, in order, and wakes the watchers. */
  append(changes: readonly RefChange[]): void {
    for (const change of changes) {
      this.#events.push({ seq: ++this.#lastSeq, name: change.name, oldHash: change.oldHash, newHash: change.newHash });
    }
    // Trim in chunks so that appends stay O(1) amortised.
    if (this.#events.length > this.#history * 1.25) this.#events.splice(0, this.#events.length - this.#history);
    this.#notify();
  }

  /** Ends every watch (the repository was deleted or the service is closing). */
  close(): void {
    this.#closed = true;
    this.#notify();
  }

  /**
   * Yields events with `seq > sinceSeq` whose name starts with `prefix`, waiting for new ones,
   * until `signal` aborts or the log closes. Without `sinceSeq` it starts with the next change.
   */
  async *watch(prefix: string, sinceSeq: number | undefined, signal: AbortSignal | undefined): AsyncGenerator<RefEvent> {
    let cursor = sinceSeq ?? this.#lastSeq;
    if (cursor > this.#lastSeq) throw new GovcError('out_of_range', `sinceSeq ${cursor} is ahead of the latest event ${this.#lastSeq}`);
    for (;;) {
      if (signal?.aborted) return;
      const first = this.#events[0]?.seq ?? this.#lastSeq + 1;
      if (cursor + 1 < first) {
        throw new GovcError('out_of_range', `events after ${cursor} are no longer kept (history starts at ${first}); resync with ListRefs`);
      }
      if (cursor < this.#lastSeq) {
        const event = this.#events[cursor + 1 - first]!;
        cursor = event.seq;
        if (event.name.startsWith(prefix)) yield event;
        continue;
      }
      if (this.#closed) return;
      await this.#next(signal);
    }
  }

  #next(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        this.#wake.delete(done);
        resolve();
      };
      signal?.addEventListener('abort', done, { once: true });
      this.#wake.add(done);
    });
  }

  #notify(): void {
    for (const done of [...this.#wake]) done();
  }
}
