import { describe, expect, it } from 'vitest';
import { AlignedBufferPool } from '../../../src/store/disk/aligned-buffer-pool.js';

const bufferBytes = 128 * 1024;

describe('AlignedBufferPool', () => {
  it('hands out whole WebAssembly pages of the asked size', () => {
    const buffer = new AlignedBufferPool(bufferBytes, 2).take();
    expect(buffer.byteLength).toBe(bufferBytes);
    expect(buffer.byteOffset).toBe(0);
    expect(buffer.buffer.byteLength % 65536).toBe(0);
  });

  it('gives back the buffer it was given, not a new one', () => {
    const pool = new AlignedBufferPool(bufferBytes, 2);
    const first = pool.take();
    pool.give(first);
    expect(pool.take()).toBe(first);
  });

  it('refuses spares at the cap but always gives a writer its first buffer', () => {
    const pool = new AlignedBufferPool(bufferBytes, 2);
    const [a, b] = [pool.take(), pool.takeSpare()];
    expect(b).toBeDefined();
    expect(pool.takeSpare()).toBeUndefined();
    const extra = pool.take();
    expect(new Set([a, b, extra]).size).toBe(3);
    // Back over the cap: one buffer is dropped, so only two come back idle.
    for (const buffer of [a, b!, extra]) pool.give(buffer);
    const again = [pool.takeSpare(), pool.takeSpare()];
    expect(again.every((buffer) => buffer !== undefined)).toBe(true);
    expect(pool.takeSpare()).toBeUndefined();
  });

  it('refuses a buffer given back twice, which would reach two writers', () => {
    const pool = new AlignedBufferPool(bufferBytes, 2);
    const buffer = pool.take();
    pool.give(buffer);
    expect(() => pool.give(buffer)).toThrow(expect.objectContaining({ code: 'internal' }));
  });
});
