import type { Writable } from 'node:stream';

/** A request body's chunks, each counted by `count` as it is read. */
export async function* countedChunks(source: AsyncIterable<Buffer>, count: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    count(chunk.byteLength);
    yield chunk;
  }
}

/**
 * Writes `chunk` and resolves when `writable` can take more: at once, or on 'drain' — or on
 * 'close', so that a peer that went away never leaves the writer waiting. A destroyed writable
 * takes nothing and is not waited for ('close' fired already: waiting would hang).
 */
export function writeRespectingDrain(writable: Writable, chunk: Uint8Array): Promise<void> {
  if (writable.destroyed || writable.write(chunk)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      writable.off('drain', done);
      writable.off('close', done);
      resolve();
    };
    writable.on('drain', done);
    writable.on('close', done);
  });
}
