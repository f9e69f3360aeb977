import { describe, expect, it } from 'vitest';
import { checkTzOffset, formatSignature, parseSignature, type Signature } from '../../src/objects/signature.js';

describe('formatSignature and parseSignature', () => {
  it.each<Signature>([
    { name: 'Alice', email: 'alice@example.com', time: 1_700_000_000, tzOffset: '+0200' },
    { name: 'Zoë 日本', email: '', time: 0, tzOffset: '-0530' },
    { name: 'A. B.', email: 'a.b@c', time: Number.MAX_SAFE_INTEGER, tzOffset: '+1400' },
  ])('round-trips %j', (signature) => {
    const line = formatSignature(signature);
    expect(line).toBe(`${signature.name} <${signature.email}> ${signature.time} ${signature.tzOffset}`);
    expect(parseSignature(line)).toEqual(signature);
  });

  it('reads an odd offset old git wrote, as stored', () => {
    expect(parseSignature('A <a@x> 5 +9999').tzOffset).toBe('+9999');
  });

  it.each([
    '',
    'A <a@x>',
    'A <a@x> 1',
    'A <a@x> x +0000',
    'A a@x> 1 +0000',
    'A <a@x 1 +0000',
    'A <a@x> 1 +0000 extra',
    'A <a@x> 99999999999999999999 +0000',
  ])('parseSignature(%j) throws data_loss', (line) => {
    expect(() => parseSignature(line)).toThrow(expect.objectContaining({ code: 'data_loss' }));
  });
});

describe('checkTzOffset', () => {
  it.each(['+0000', '+0200', '-0530', '+0545', '+1400', '-1200', '-0100', '+1459'])('accepts %j', (tz) => {
    expect(checkTzOffset(tz)).toBe(tz);
  });

  it.each([
    ['', /\+0200/],
    ['0200', /\+0200/],
    ['+200', /\+0200/],
    ['+02:00', /\+0200/],
    ['+02000', /\+0200/],
    ['Z', /\+0200/],
    ['+１２００', /\+0200/],
    ['+1500', /14 hours/],
    ['-2400', /14 hours/],
    ['+0260', /60 or more minutes/],
    ['-0000', /\+0000/],
  ])('refuses %j', (tz, message) => {
    expect(() => checkTzOffset(tz, 'author.tzOffset')).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(message) }),
    );
  });
});
