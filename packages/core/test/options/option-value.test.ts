import { describe, expect, it } from 'vitest';
import { optionValue } from '../../src/protocol/index.js';

describe('optionValue', () => {
  it('gives the fallback for a left-out option, the value when it fits', () => {
    expect(optionValue('n', undefined, 7, { min: 0 })).toBe(7);
    expect(optionValue('n', 0, 7, { min: 0 })).toBe(0);
    expect(optionValue('n', 2.5, 7, { above: 0, max: 3 })).toBe(2.5);
    expect(optionValue('n', Number.MAX_SAFE_INTEGER, 7, { min: 1, integer: true })).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses, naming the option, what does not fit', () => {
    const cases: [unknown, Parameters<typeof optionValue>[3], string][] = [
      [-1, { min: 0 }, 'n must be a number >= 0, got -1'],
      [0, { above: 0 }, 'n must be a number > 0, got 0'],
      [1.5, { min: 1, integer: true }, 'n must be an integer >= 1, got 1.5'],
      [Number.NaN, { min: 0 }, 'n must be a number >= 0, got NaN'],
      [Number.POSITIVE_INFINITY, { min: 0, integer: true }, 'n must be an integer >= 0, got Infinity'],
      [2 ** 53, { min: 0, integer: true }, 'n must be an integer >= 0, got 9007199254740992'],
      [11, { min: 1, max: 10, integer: true }, 'n must be an integer >= 1 and <= 10, got 11'],
      ['16', { min: 0 }, 'n must be a number >= 0, got "16"'],
      [null, { min: 0 }, 'n must be a number >= 0, got null'],
      [
        {
          toString: () => {
            throw new Error('hostile');
          },
        },
        { min: 0 },
        'n must be a number >= 0, got [object Object]',
      ],
    ];
    for (const [value, range, message] of cases)
      expect(() => optionValue('n', value, 7, range), String(message)).toThrow(new RangeError(message));
  });

  it('refuses a required option left out', () => {
    expect(() => optionValue('timeoutMs', undefined, undefined, { above: 0 })).toThrow(new RangeError('timeoutMs is required'));
  });
});
