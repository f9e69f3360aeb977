import { createHash, randomFillSync } from 'node:crypto';
import type { UploadBlobChunk } from '@govc/core';

const MiB = 1024 * 1024;

/**
 * The size of the stream workloads' blobs, in quick and full runs alike: 64 MiB is far past any
 * unary message yet streams in well under a second each. A 1 GiB `--full` size is a follow-up,
 * if a full run's time allows it.
 */
export const streamBytes = 64 * MiB;

/** The chunk size of the uploads: 1 MiB, a size clients commonly send. */
export const chunkBytes = MiB;

const encoder = new TextEncoder();

/**
 * `size` bytes as `chunkBytes` chunks that no other op sends: random (incompressible) bytes made
 * once per repetition, shared by every op, with a first chunk of the op's own that starts with its
 * label. Making them costs one 1 MiB copy per op; the shared random bytes are made untimed.
 */
export class StreamContent {
  readonly #shared: Uint8Array;

  constructor(readonly size: number) {
    this.#shared = randomFillSync(new Uint8Array(size));
  }

  /** Op `index`'s chunks; the first is fresh, the rest are views of the shared bytes (never written to). */
  chunks(label: string, index: number): Uint8Array[] {
    const head = this.#shared.slice(0, Math.min(chunkBytes, this.size));
    head.set(encoder.encode(`${label} ${String(index).padStart(12, '0')} `).subarray(0, head.byteLength));
    const chunks: Uint8Array[] = [head];
    for (let at = chunkBytes; at < this.size; at += chunkBytes)
      chunks.push(this.#shared.subarray(at, Math.min(at + chunkBytes, this.size)));
    return chunks;
  }
}

/** The git blob hash of the concatenation of `chunks`. */
export function gitBlobHashOf(chunks: readonly Uint8Array[]): string {
  const size = chunks.reduce((total, chunk) => total + chunk.byteLength, 0);
  const hash = createHash('sha1').update(`blob ${size}\0`);
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * Hashes a stream of chunks whose total size is known in advance, as they arrive (nothing kept):
 * `expectedSize` goes into the git header; the answer says what the stream really totalled.
 */
export async function hashDownload(
  stream: AsyncIterable<{ data: Uint8Array }>,
  expectedSize: number,
): Promise<{ hash: string; size: number }> {
  const hash = createHash('sha1').update(`blob ${expectedSize}\0`);
  let size = 0;
  for await (const { data } of stream) {
    hash.update(data);
    size += data.byteLength;
  }
  return { hash: hash.digest('hex'), size };
}

/** An UploadBlob request stream: the repository and declared size, then one message per chunk. */
export async function* uploadMessages(repo: string, size: number, chunks: readonly Uint8Array[]): AsyncGenerator<UploadBlobChunk> {
  yield { repo, size };
  for (const data of chunks) yield { data };
}
