import { getHeapStatistics, GCProfiler } from 'node:v8';

/**
 * Counts the bytes this process allocates on the JS heap while it runs: the heap's growth from
 * start to stop plus what every garbage collection in between freed (from `v8.GCProfiler`'s
 * records of the heap before and after each one), so that allocation is seen even when the
 * collector reclaimed it before the end.
 */
export class HeapAllocation {
  readonly #profiler = new GCProfiler();
  #startUsed = 0;

  start(): void {
    this.#startUsed = getHeapStatistics().used_heap_size;
    this.#profiler.start();
  }

  /** Bytes allocated since `start`. */
  stop(): number {
    const endUsed = getHeapStatistics().used_heap_size;
    const profile = this.#profiler.stop();
    let freed = 0;
    for (const gc of profile?.statistics ?? [])
      freed += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize);
    return Math.max(0, endUsed - this.#startUsed + freed);
  }
}
