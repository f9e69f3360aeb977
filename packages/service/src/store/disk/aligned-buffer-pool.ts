import { GovcError } from '@govc/core';

const wasmPageBytes = 65536;

/**
 * Page-aligned buffers of one size, as O_DIRECT needs, reused across writers. A Buffer's memory
 * is not aligned, a WebAssembly memory's is; but each such memory reserves gigabytes of address
 * space until the garbage collector frees it, and V8 throws a RangeError at ~13k live ones, so
 * they are made rarely and kept: at most `maxBuffers` live, except that a writer with none always
 * gets one (so no writer waits for another's), and such extra ones are dropped when given back.
 */
export class AlignedBufferPool {
  readonly #bufferBytes: number;
  readonly #maxBuffers: number;
  readonly #idle: Buffer[] = [];
  #live = 0;

  /** Buffers of `bufferBytes`, at most `maxBuffers` of them live but for {@link take}'s. */
  constructor(bufferBytes: number, maxBuffers: number) {
    this.#bufferBytes = bufferBytes;
    this.#maxBuffers = maxBuffers;
  }

  /**
   * An idle buffer, else a new one, past the cap too: for a writer that holds none. It still holds
   * what its last user put in, so write only the bytes you fill; give it back once no write uses it.
   */
  take(): Buffer {
    const idle = this.#idle.pop();
    if (idle !== undefined) return idle;
    this.#live++;
    const memory = new WebAssembly.Memory({ initial: Math.ceil(this.#bufferBytes / wasmPageBytes) });
    return Buffer.from(memory.buffer, 0, this.#bufferBytes);
  }

  /** Like {@link take}, for a writer that holds one already: `undefined` if none is idle and the cap is reached. */
  takeSpare(): Buffer | undefined {
    return this.#idle.length === 0 && this.#live >= this.#maxBuffers ? undefined : this.take();
  }

  /** Takes `buffer` back for the next writer, or drops it if over the cap. */
  give(buffer: Buffer): void {
    // Given twice, one buffer would go to two writers at once and mix their bytes.
    if (this.#idle.includes(buffer)) throw new GovcError('internal', 'a staging buffer was given back twice');
    if (this.#live > this.#maxBuffers) this.#live--;
    else this.#idle.push(buffer);
  }
}
