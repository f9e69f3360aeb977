import { describe, expect, it } from 'vitest';
import { formatByteSize, parseByteSize } from '../../src/cli/byte-size.js';

describe('parseByteSize', () => {
  it.each([
    ['0', 0],
    ['100', 100],
    ['100B', 100],
    ['100b', 100],
    ['512KiB', 512 * 1024],
    ['16MiB', 16 * 1024 ** 2],
    ['16mib', 16 * 1024 ** 2],
    ['1GiB', 1024 ** 3],
    ['1GIB', 1024 ** 3],
    ['2KB', 2000],
    ['16MB', 16_000_000],
    ['1gb', 1_000_000_000],
    ['0016MiB', 16 * 1024 ** 2],
    [String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ])('reads %j as %d bytes', (text, bytes) => {
    expect(parseByteSize(text)).toEqual({ ok: true, bytes });
  });

  it.each([
    ['', 'is not a number of bytes'],
    ['MiB', 'is not a number of bytes'],
    ['16 MiB', 'is not a number of bytes'],
    [' 16MiB', 'is not a number of bytes'],
    ['16MiB ', 'is not a number of bytes'],
    ['0x10', 'is not a number of bytes'],
    ['1e6', 'is not a number of bytes'],
    ['-1', 'is negative'],
    ['-1MiB', 'is negative'],
    ['+5', 'has a sign'],
    ['1.5GiB', 'has a fraction (write 1536MiB for 1.5GiB)'],
    ['0.5', 'has a fraction (write 1536MiB for 1.5GiB)'],
    ['16XB', 'has an unknown unit "XB"'],
    ['16TiB', 'has an unknown unit "TiB"'],
    ['16Mi', 'has an unknown unit "Mi"'],
    ['16M', 'has an unknown unit "M"'],
    ['16MiB16', 'is not a number of bytes'],
    ['9007199254740992', 'is more than 9007199254740991 bytes'],
    ['8388608GiB', 'is more than 9007199254740991 bytes'],
    ['99999999999999999999999', 'is more than 9007199254740991 bytes'],
  ])('refuses %j: %s', (text, reason) => {
    expect(parseByteSize(text)).toEqual({ ok: false, reason });
  });
});

describe('formatByteSize', () => {
  it.each([
    [0, '0B'],
    [1, '1B'],
    [1500, '1500B'],
    [1024, '1KiB'],
    [16 * 1024, '16KiB'],
    [16 * 1024 ** 2, '16MiB'],
    [1024 ** 3, '1GiB'],
    [2 * 1024 ** 3, '2GiB'],
    [2000, '2KB'],
    [16_000_000, '16MB'],
    [1536 * 1024 ** 2, '1536MiB'],
  ])('writes %d as %j, which parseByteSize reads back', (bytes, text) => {
    expect(formatByteSize(bytes)).toBe(text);
    expect(parseByteSize(text)).toEqual({ ok: true, bytes });
  });
});
