import { describe, expect, it } from 'vitest';
import { checkHash } from '../../src/validation/hash.js';

describe('checkHash', () => {
  it('returns a valid hash', () => {
    expect(checkHash('4b825dc642cb6eb9a060e54bf8d69288fbee4904', 'tree')).toBe('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
  });

  it.each([
    '',
    '4B825DC642CB6EB9A060E54BF8D69288FBEE4904',
    '4b825dc',
    '../../objects/xx',
    `${'a'.repeat(40)} `,
    'z'.repeat(40),
    'a'.repeat(64),
  ])('refuses %j, naming the field', (value) => {
    expect(() => checkHash(value, 'expectedHead')).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(/^\[invalid_argument\] expectedHead /) }),
    );
  });
});
