/**
 * Copies small byte arrays into large shared slabs. A store keeps every byte it is given as a
 * copy of its own; giving each 46-byte blob its own `ArrayBuffer` costs an allocation and a
 * backing store apiece and makes the garbage collector track millions of them. Copies into a
 * slab cost a `set`. Objects are never freed one by one (only whole repositories), so a slab per
 * repository wastes nothing but the tail of its last slab.
 */
export class Slab {
  readonly #slabBytes: number;
  readonly #maxCopyBytes: number;
  #current = new Uint8Array(0);
  #offset = 0;

  /** Slabs of `slabBytes`; arrays over `maxCopyBytes` get buffers of their own. */
  constructor(slabBytes = 256 * 1024, maxCopyBytes = 4 * 1024) {
    this.#slabBytes = slabBytes;
    this.#maxCopyBytes = maxCopyBytes;
  }

  /** A copy of `bytes` that no caller's buffer shares. */
  copy(bytes: Uint8Array): Uint8Array {
    const size = bytes.byteLength;
    if (size > this.#maxCopyBytes) return new Uint8Array(bytes);
    if (this.#offset + size > this.#current.byteLength) {
      this.#current = new Uint8Array(this.#slabBytes);
      this.#offset = 0;
    }
    const copy = this.#current.subarray(this.#offset, this.#offset + size);
    copy.set(bytes);
    this.#offset += size;
    return copy;
  }
}
