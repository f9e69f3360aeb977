import { GovcError } from '@govc/core';
import type { StoredObject } from './storage.js';

/**
 * A blob held whole in memory, served as `readBlob` promises: from `offset`, in copies of at most
 * `chunkSize` bytes; `not_found` when `object` is absent or not a blob, `out_of_range` past its end.
 */
export function* sliceBlob(hash: string, object: StoredObject | undefined, offset: number, chunkSize: number): Generator<Uint8Array> {
  if (!object || object.type !== 'blob') throw new GovcError('not_found', `blob ${hash} not found`);
  if (offset > object.size) throw new GovcError('out_of_range', `offset ${offset} is past the blob's end (${object.size})`);
  for (let at = offset; at < object.size; at += chunkSize) yield object.body.slice(at, Math.min(at + chunkSize, object.size));
}
