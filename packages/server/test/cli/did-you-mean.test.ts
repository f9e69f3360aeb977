import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from '../../src/cli/did-you-mean.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['serve', 'serve', 0],
    ['serv', 'serve', 1],
    ['sevre', 'serve', 1],
    ['srvee', 'serve', 2],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('from %j to %j is %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closestName', () => {
  const flags = ['port', 'host', 'max-message-bytes', 'max-header-bytes', 'data-dir', 'help'];

  it.each([
    ['max-mesage-bytes', 'max-message-bytes'],
    ['max-messsage-byte', 'max-message-bytes'],
    ['max-header-byts', 'max-header-bytes'],
    ['prot', 'port'],
    ['hots', 'host'],
    ['data-dri', 'data-dir'],
    ['hlep', 'help'],
  ])('suggests %j for %j', (typed, meant) => {
    expect(closestName(typed, flags)).toBe(meant);
  });

  it.each([
    ['verbose'],
    ['max-bytes'],
    ['pt'],
    ['x'],
    // Three edits from max-message-bytes: too far to be a typo of it.
    ['max-mesage-byt'],
    // Two edits from "port", but two in five letters make a different word.
    ['poxyt'],
  ])('suggests nothing for %j', (typed) => {
    expect(closestName(typed, flags)).toBeUndefined();
  });

  it('prefers the nearer candidate, then the earlier one', () => {
    expect(closestName('hosp', ['post', 'host'])).toBe('host');
    expect(closestName('hxst', ['host', 'hxstt'])).toBe('host');
    expect(closestName('hxst', ['hxstt', 'host'])).toBe('hxstt');
  });
});
