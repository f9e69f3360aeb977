/**
 * The `seq` before a new repository's first ref change: its creation time in milliseconds times
 * 1,000. Numbers from an earlier life of the same name — a repository held in memory by a process
 * that has since restarted, or one deleted and made again — then lie below the new life's, so a
 * WatchRefs resume from them is `out_of_range` (the client resyncs) rather than a silent gap, as
 * long as that earlier life made fewer than 1,000 ref changes per millisecond it lived. Safe
 * integers hold such numbers until the year 2255.
 */
export function firstRefSeq(now: number): number {
  return Math.floor(now) * 1000;
}

/**
 * Where a store starts each new repository's numbering: at `firstRefSeq`, and above every number
 * a repository it deleted reached, so that a name deleted and made again within the same
 * millisecond still starts above its earlier life.
 */
export class RefSeqStart {
  #retired = 0;

  /** The `seq` before the first change of a repository created `now`. */
  next(now: number): number {
    return Math.max(firstRefSeq(now), this.#retired);
  }

  /** A repository whose latest change was `lastSeq` is gone. */
  retire(lastSeq: number): void {
    this.#retired = Math.max(this.#retired, lastSeq);
  }
}
