import type { GovcClient } from '@govc/core';

// HasObjects takes a bounded number of hashes per call.
const hashesPerCheck = 1_000;

/**
 * The blobs a workload stored, checked at the end against the server: every hash present, and
 * a sample read back byte for byte (a server that answers without storing fails here).
 */
export class StoredBlobs {
  readonly #blobs = new Map<string, Uint8Array>();

  constructor(
    readonly client: GovcClient,
    readonly repo: string,
  ) {}

  add(hash: string, content: Uint8Array): void {
    this.#blobs.set(hash, content);
  }

  get size(): number {
    return this.#blobs.size;
  }

  async verify(): Promise<void> {
    const hashes = [...this.#blobs.keys()];
    for (let from = 0; from < hashes.length; from += hashesPerCheck) {
      const batch = hashes.slice(from, from + hashesPerCheck);
      const { present } = await this.client.hasObjects({ repo: this.repo, hashes: batch });
      const missing = batch.filter((_, index) => !present[index]);
      if (missing.length > 0)
        throw new Error(`${missing.length} of ${hashes.length} stored blobs are missing on the server, e.g. ${missing[0]}`);
    }
    const step = Math.max(1, Math.floor(hashes.length / 16));
    for (let index = 0; index < hashes.length; index += step) {
      const hash = hashes[index]!;
      const blob = await this.client.getBlob({ repo: this.repo, hash });
      if (!sameBytes(blob.content, this.#blobs.get(hash)!)) throw new Error(`blob ${hash} reads back different bytes`);
    }
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
