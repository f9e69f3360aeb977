import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findCompression, gzipCompression } from '../../src/node/index.js';

describe('gzip compression', () => {
  it('round-trips bytes', async () => {
    const bytes = new TextEncoder().encode('hello '.repeat(1000));
    const packed = await gzipCompression.compress(bytes);
    expect(packed.byteLength).toBeLessThan(bytes.byteLength);
    expect(Buffer.compare(await gzipCompression.decompress(packed, 1 << 20), bytes)).toBe(0);
    expect(findCompression('gzip')).toBe(gzipCompression);
    expect(findCompression('br')).toBeUndefined();
  });

  it('stops a bomb at the cap with resource_exhausted instead of inflating it', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(100 * 1024);
    await expect(gzipCompression.decompress(bomb, 1024 * 1024)).rejects.toMatchObject({ code: 'resource_exhausted' });
  });

  it('answers invalid_argument for bytes that are not gzip, or cut short', async () => {
    await expect(gzipCompression.decompress(new TextEncoder().encode('not gzip'), 1024)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    const packed = gzipSync(Buffer.from('hello world'));
    await expect(gzipCompression.decompress(packed.subarray(0, packed.length - 4), 1024)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
