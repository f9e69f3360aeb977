/**
 * Counts the calls a transport has running, so that `close()` can let them finish before it
 * closes connections: a call still waiting for a connection (or for its request to be
 * compressed) has no request on the wire yet, which the connection pools cannot see.
 */
export class InFlightCalls {
  #count = 0;
  #onIdle: (() => void) | undefined;

  /** A call started. */
  start(): void {
    this.#count++;
  }

  /** A call ended, however it ended. */
  end(): void {
    if (--this.#count === 0) this.#onIdle?.();
  }

  /** Resolves once no call is running (at once when none is). */
  drained(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#onIdle = resolve;
    });
  }
}
