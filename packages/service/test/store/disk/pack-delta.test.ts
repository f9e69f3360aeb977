import { describe, expect, it } from 'vitest';
import { applyDelta } from '../../../src/store/disk/pack-delta.js';

const base = new TextEncoder().encode('0123456789abcdefghij');
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** A delta: base size 20, then the result size, then the instructions. */
const delta = (resultSize: number, ...instructions: number[]): Uint8Array => Uint8Array.of(20, resultSize, ...instructions);
// Copy: 0x80 | offset bytes present (bits 0-3) | size bytes present (bits 4-6).
const copy = (offset: number, size: number): number[] => [0x80 | 0x01 | 0x10, offset, size];

describe('applyDelta', () => {
  it('copies ranges of the base and inserts literal bytes', () => {
    const result = applyDelta(base, delta(9, ...copy(10, 3), 3, 0x2d, 0x2d, 0x2d, ...copy(0, 3)), 'p');
    expect(decode(result)).toBe('abc---012');
  });

  it('reads a copy size of 0 as 0x10000, and offsets and sizes of several bytes', () => {
    const big = new Uint8Array(0x10000 + 300).map((_, i) => i & 0xff);
    // Base size 0x1012c as a varint; result 0x10000; copy at offset 0x012c (two offset bytes), no size byte.
    const result = applyDelta(big, Uint8Array.of(0xac, 0x82, 0x04, 0x80, 0x80, 0x04, 0x80 | 0x01 | 0x02, 0x2c, 0x01), 'p');
    expect(result.length).toBe(0x10000);
    expect(result[0]).toBe(0x2c);
  });

  it.each([
    ['names a base of another size', Uint8Array.of(19, 1, 1, 0x41)],
    ['is truncated (no result size)', Uint8Array.of(20)],
    ['is truncated (a varint that never ends)', Uint8Array.of(20, 0x80)],
    ['copies past its base', delta(5, ...copy(18, 5))],
    ['copies past its result', delta(2, ...copy(0, 5))],
    ['copies with its operands cut off', Uint8Array.of(20, 3, 0x80 | 0x01 | 0x10, 0)],
    ['inserts past its end', delta(5, 5, 0x41)],
    ['inserts past its result', delta(1, 2, 0x41, 0x42)],
    ['holds the reserved instruction 0', delta(1, 0)],
    ['makes fewer bytes than it declares', delta(9, ...copy(0, 3))],
  ])('is data loss when it %s, reading nothing outside either buffer', (_, malformed) => {
    expect(() => applyDelta(base, malformed, 'pack-x.pack')).toThrow(expect.objectContaining({ code: 'data_loss' }));
  });
});
