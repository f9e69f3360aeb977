import { describe, expect, it } from 'vitest';
import { Slab } from '../../src/store/slab.js';

describe('Slab', () => {
  it('copies small arrays into shared slabs without overlap, and large ones into buffers of their own', () => {
    const slab = new Slab(64, 16);
    const copies = Array.from({ length: 20 }, (_, i) => slab.copy(new Uint8Array(10).fill(i)));
    copies.forEach((copy, i) => expect([...copy]).toEqual(new Array(10).fill(i)));
    expect(copies[0]!.buffer).toBe(copies[5]!.buffer); // six 10-byte copies share a 64-byte slab
    expect(copies[0]!.buffer).not.toBe(copies[6]!.buffer);
    const source = new Uint8Array(32).fill(9);
    const large = slab.copy(source);
    expect(large.buffer.byteLength).toBe(32);
    source.fill(0);
    expect(large[0]).toBe(9);
  });
});
