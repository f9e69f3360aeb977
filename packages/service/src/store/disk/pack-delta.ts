import { constants } from 'node:buffer';
import { GovcError } from '@govc/core';

/**
 * Applies a git delta (the body of an OFS_DELTA or REF_DELTA pack entry, as `git gc` and
 * `git repack` write them) to its base: the base's size and the result's size (little-endian
 * base-128 varints), then instructions — copy a range of the base (high bit set; the low bits
 * say which offset and size bytes follow, a size of 0 meaning 0x10000) or insert the next 1–127
 * bytes. Anything that does not add up is `data_loss`, never a read past either buffer.
 */
export function applyDelta(base: Uint8Array, delta: Uint8Array, where: string): Buffer {
  const malformed = (what: string): GovcError => new GovcError('data_loss', `${where}: a delta ${what}`);
  let at = 0;
  function varint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (at >= delta.length || shift > 49) throw malformed('is truncated');
      const byte = delta[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
  }
  if (varint() !== base.byteLength) throw malformed('names a base of another size');
  const size = varint();
  // Each instruction byte makes at most 0xffffff bytes (a copy's largest size): a larger claim
  // is a lie, refused before anything is allocated for it.
  if (size > constants.MAX_LENGTH || size > (delta.length - at) * 0xffffff) throw malformed('makes an object too large to hold');
  const result = Buffer.allocUnsafe(size);
  let written = 0;
  while (at < delta.length) {
    const op = delta[at++]!;
    if (op & 0x80) {
      let offset = 0;
      let length = 0;
      for (let bit = 0; bit < 4; bit++) if (op & (1 << bit)) offset += (delta[at++] ?? Number.NaN) * 2 ** (8 * bit);
      for (let bit = 0; bit < 3; bit++) if (op & (16 << bit)) length += (delta[at++] ?? Number.NaN) * 2 ** (8 * bit);
      if (length === 0) length = 0x10000;
      if (!(offset + length <= base.byteLength) || written + length > size) throw malformed('copies past its base or its result');
      result.set(base.subarray(offset, offset + length), written);
      written += length;
    } else if (op !== 0) {
      if (at + op > delta.length || written + op > size) throw malformed('inserts past its end');
      result.set(delta.subarray(at, at + op), written);
      at += op;
      written += op;
    } else {
      throw malformed('holds the reserved instruction 0');
    }
  }
  if (written !== size) throw malformed('makes fewer bytes than it declares');
  return result;
}
