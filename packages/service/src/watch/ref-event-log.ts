import { GovcError, type RefEvent } from '@govc/core';
import type { RefChange, RefHistory } from '../store/storage.js';

export interface RefEventLogOptions {
  /** Events kept for `sinceSeq` resumes. Default 10,000: bounded memory, minutes of history for busy repos. */
  readonly history?: number;
  /** Where the store's numbering stands, and its changes from before this log: `Storage.refHistory`. Default: none yet. */
  readonly start?: RefHistory;
}

/**
 * One repository's ref changes, numbered by the store (`RefChange.seq`). Watchers read the shared
 * history by sequence number rather than through queues of their own, so a slow watcher costs no
 * memory: if it falls further behind than the history reaches — or resumes from a number of
 * another life of the repository — it gets `out_of_range` and must resync.
 */
export class RefEventLog {
  readonly #history: number;
  readonly #events: RefEvent[] = [];
  #lastSeq: number;
  /** Changes that arrived before one numbered lower (two steps' callers resumed out of order): held until the gap fills. */
  readonly #early = new Map<number, RefEvent>();
  #closed = false;
  readonly #wake = new Set<() => void>();

  constructor(options: RefEventLogOptions = {}) {
    this.#history = options.history ?? 10_000;
    const { lastSeq = 0, recent = [] } = options.start ?? {};
    this.#lastSeq = lastSeq - recent.length;
    this.#record(recent);
    if (this.#lastSeq !== lastSeq) throw new GovcError('internal', `ref history ends at ${this.#lastSeq}, expected ${lastSeq}`);
  }

  /** The sequence number of the latest event. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Records changes that took effect and wakes the watchers; changes come in order of `seq`, or are held until they are. */
  append(changes: readonly RefChange[]): void {
    this.#record(changes);
    this.#notify();
  }

  #record(changes: readonly RefChange[]): void {
    for (const { seq, name, oldHash, newHash } of changes) {
      if (seq === this.#lastSeq + 1) {
        this.#events.push({ seq, name, oldHash, newHash });
        this.#lastSeq = seq;
      } else if (seq > this.#lastSeq) {
        this.#early.set(seq, { seq, name, oldHash, newHash });
      }
    }
    for (let next = this.#early.get(this.#lastSeq + 1); next; next = this.#early.get(this.#lastSeq + 1)) {
      this.#early.delete(next.seq);
      this.#events.push(next);
      this.#lastSeq = next.seq;
    }
    // Trim in chunks so that appends stay O(1) amortised.
    if (this.#events.length > this.#history * 1.25) this.#events.splice(0, this.#events.length - this.#history);
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
        throw new GovcError(
          'out_of_range',
          `events after ${cursor} are not kept (history starts at ${first}: older ones were dropped, or are from before a restart); resync with ListRefs`,
        );
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
