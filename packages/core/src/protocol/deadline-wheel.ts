/** What a wheel fires: anything with an `expire` method (no closure per entry). */
export interface Expirable {
  expire(): void;
}

/**
 * Fires callbacks at their deadlines with one timer per `resolutionMs` slot instead of one per
 * call: a call with a deadline costs a `Set` insert and delete, not a `setTimeout` and
 * `clearTimeout` (which, made and cleared for every call, dominated the in-process cost of a
 * call with a deadline). Callbacks fire at their deadline or at most `resolutionMs` after it.
 */
export class DeadlineWheel {
  readonly #resolutionMs: number;
  readonly #slots = new Map<number, { timer: ReturnType<typeof setTimeout>; entries: Set<Expirable> }>();

  constructor(resolutionMs: number) {
    this.#resolutionMs = resolutionMs;
  }

  /** Calls `fire.expire()` once `deadline` (ms since the epoch) has passed; returns the slot to `cancel` with. */
  schedule(deadline: number, fire: Expirable): number {
    const slot = Math.ceil(deadline / this.#resolutionMs) * this.#resolutionMs;
    let entry = this.#slots.get(slot);
    if (!entry) {
      const entries = new Set<Expirable>();
      // Browsers' timers are numbers without ref/unref: there the slot simply fires.
      const timer = setTimeout(
        () => {
          this.#slots.delete(slot);
          for (const entry of entries) entry.expire();
        },
        Math.max(0, slot - Date.now()),
      );
      entry = { timer, entries };
      this.#slots.set(slot, entry);
    }
    if (entry.entries.size === 0) entry.timer.ref?.();
    entry.entries.add(fire);
    return slot;
  }

  /**
   * Forgets `fire` in `slot`. An empty slot keeps its timer, unref'd so that it holds no process
   * open: calls made one after another mostly land in the same slot, and re-arming a timer for
   * each of them would cost what the wheel saves.
   */
  cancel(slot: number, fire: Expirable): void {
    const entry = this.#slots.get(slot);
    if (!entry) return;
    entry.entries.delete(fire);
    if (entry.entries.size === 0) entry.timer.unref?.();
  }
}
