import type { GovcClient, RefEvent } from '@govc/core';

/** One WatchRefs subscription, read in the background into the list of what it saw. */
export class RefSubscriber {
  /** Every event seen, in arrival order. */
  readonly events: RefEvent[] = [];
  /** The events on `ref`, the ref the workload moves. */
  readonly moves: RefEvent[] = [];
  /** Why the stream ended early, if it did before `close`. */
  failure: unknown;
  readonly #abort = new AbortController();
  readonly #done: Promise<void>;
  #waiters: { ready: () => boolean; resolve: () => void }[] = [];

  /** Watches `prefix` of `repo` from after `sinceSeq` (else from the next change), telling apart the moves of `ref`. */
  constructor(
    client: GovcClient,
    repo: string,
    prefix: string,
    readonly ref: string,
    sinceSeq?: number,
  ) {
    const request = sinceSeq === undefined ? { repo, prefix } : { repo, prefix, sinceSeq };
    const stream = client.watchRefs(request, { signal: this.#abort.signal });
    this.#done = this.#read(stream);
  }

  async #read(stream: AsyncIterable<RefEvent>): Promise<void> {
    try {
      for await (const event of stream) {
        this.events.push(event);
        if (event.name === this.ref) this.moves.push(event);
        this.#wake();
      }
      if (!this.#abort.signal.aborted) this.failure = new Error('the WatchRefs stream ended');
    } catch (error) {
      if (!this.#abort.signal.aborted) this.failure = error;
    }
    this.#wake();
  }

  #wake(): void {
    const ready = this.#waiters.filter((waiter) => waiter.ready() || this.failure !== undefined);
    this.#waiters = this.#waiters.filter((waiter) => !ready.includes(waiter));
    for (const waiter of ready) waiter.resolve();
  }

  #until(ready: () => boolean): Promise<void> {
    if (ready() || this.failure !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ ready, resolve }));
  }

  /** Resolves once `count` moves of the ref have arrived (or the stream failed: see `failure`). */
  seen(count: number): Promise<void> {
    return this.#until(() => this.moves.length >= count);
  }

  /** Resolves once any change has arrived (or the stream failed). */
  heardAny(): Promise<void> {
    return this.#until(() => this.events.length > 0);
  }

  /** Ends the subscription and waits (at most `waitMs`) for its stream to let go. */
  async close(waitMs: number): Promise<void> {
    this.#abort.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#done, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  }
}
