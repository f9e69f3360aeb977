import { describe, expect, it } from 'vitest';
import { capabilityBounds, resolveCapabilities } from '../../src/conformance/capabilities.js';

describe('conformance capabilities', () => {
  it('fills in the defaults', () => {
    expect(resolveCapabilities({ name: 't', bidi: true })).toEqual({
      name: 't',
      bidi: true,
      largeMessageBytes: capabilityBounds.largeMessageBytes.default,
      maxReadAheadBytes: capabilityBounds.maxReadAheadBytes.default,
    });
  });

  it('accepts the bounds themselves', () => {
    const { largeMessageBytes, maxReadAheadBytes } = capabilityBounds;
    expect(() =>
      resolveCapabilities({ name: 't', bidi: true, largeMessageBytes: largeMessageBytes.min, maxReadAheadBytes: maxReadAheadBytes.max }),
    ).not.toThrow();
    expect(() =>
      resolveCapabilities({ name: 't', bidi: true, largeMessageBytes: largeMessageBytes.max, maxReadAheadBytes: maxReadAheadBytes.min }),
    ).not.toThrow();
  });

  it.each([
    [
      'a read-ahead that would excuse unbounded buffering',
      { maxReadAheadBytes: capabilityBounds.maxReadAheadBytes.max + 1 },
      /maxReadAheadBytes/,
    ],
    ['a negative read-ahead', { maxReadAheadBytes: -1 }, /maxReadAheadBytes/],
    ['a large message that is not large', { largeMessageBytes: 1024 }, /largeMessageBytes/],
    ['a fractional size', { largeMessageBytes: 4 * 1024 * 1024 + 0.5 }, /largeMessageBytes/],
    ['an unbounded read-ahead', { maxReadAheadBytes: Infinity }, /maxReadAheadBytes/],
  ])('refuses %s', (_, declared, message) => {
    expect(() => resolveCapabilities({ name: 't', bidi: true, ...declared })).toThrow(message);
  });
});
