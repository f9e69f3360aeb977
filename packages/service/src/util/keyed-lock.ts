/**
 * Runs async work one at a time per key, in arrival order; different keys run concurrently.
 * Commits to one branch take turns through it, so concurrent commits each build on the last
 * instead of racing for the branch and rebuilding.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `work` once every earlier work under `key` has settled; settles as `work` does. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
