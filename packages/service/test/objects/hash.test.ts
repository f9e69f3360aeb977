import { randomBytes } from 'node:crypto';
import { GovcError } from '@govc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObjectHasher, hashObject, isHash, objectHeader } from '../../src/objects/hash.js';
import { createGitSandbox, type GitSandbox } from './git-sandbox.js';

let sandbox: GitSandbox;
beforeAll(() => {
  sandbox = createGitSandbox();
});
afterAll(() => sandbox.remove());

const mib = 1024 * 1024;
const blobs: [string, Uint8Array][] = [
  ['empty', new Uint8Array(0)],
  ['one byte', Buffer.from('x')],
  ['text with newline', Buffer.from('hello world\n')],
  ['binary with NUL', Uint8Array.from([0, 1, 2, 0, 255, 0, 10, 13])],
  ['unicode', Buffer.from('Zoë · 日本語 · 😀\n', 'utf8')],
  ['just past the one-shot limit', randomBytes(513)],
  ['4 KiB random', randomBytes(4096)],
  ['1 MiB random', randomBytes(mib)],
];

describe('hashObject', () => {
  it.each(blobs)('equals git hash-object for a blob: %s', (_label, body) => {
    expect(hashObject('blob', body)).toBe(sandbox.git(['hash-object', '--stdin'], { input: body }));
  });

  it('hashes a blob that is a view into a larger buffer by its own bytes only', () => {
    const backing = Buffer.from('xxhello\nyy');
    const view = backing.subarray(2, 8);
    expect(hashObject('blob', view)).toBe(sandbox.git(['hash-object', '--stdin'], { input: 'hello\n' }));
  });

  it('hashes the empty tree as git does', () => {
    expect(hashObject('tree', new Uint8Array(0))).toBe('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
  });
});

describe('createObjectHasher', () => {
  it.each(blobs)('equals git hash-object when fed in chunks: %s', (_label, body) => {
    const hasher = createObjectHasher('blob', body.length);
    for (let offset = 0; offset < body.length; offset += 1000) hasher.update(body.subarray(offset, offset + 1000));
    expect(hasher.received).toBe(body.length);
    expect(hasher.digest()).toBe(hashObject('blob', body));
  });

  it('refuses more bytes than declared', () => {
    const hasher = createObjectHasher('blob', 3);
    hasher.update(Buffer.from('ab'));
    expect(() => hasher.update(Buffer.from('cd'))).toThrow(/more than the declared size of 3 bytes/);
  });

  it('refuses a digest before the declared size arrived', () => {
    const hasher = createObjectHasher('blob', 3);
    hasher.update(Buffer.from('ab'));
    expect(() => hasher.digest()).toThrow(GovcError);
    expect(() => hasher.digest()).toThrow(/received 2 bytes, but the declared size is 3/);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53])('refuses a declared size of %s', (size) => {
    expect(() => createObjectHasher('blob', size)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe('objectHeader', () => {
  it('is "<type> <size>\\0" in ASCII', () => {
    expect(Buffer.from(objectHeader('commit', 123)).toString('latin1')).toBe('commit 123\0');
  });
});

describe('isHash', () => {
  it.each([
    ['e69de29bb2d1d6434b8b29ae775ad8c2e48c5391', true],
    ['E69DE29BB2D1D6434B8B29AE775AD8C2E48C5391', false],
    ['e69de29bb2d1d6434b8b29ae775ad8c2e48c539', false],
    ['e69de29bb2d1d6434b8b29ae775ad8c2e48c53911', false],
    ['g69de29bb2d1d6434b8b29ae775ad8c2e48c5391', false],
    ['e69de29bb2d1d6434b8b29ae775ad8c2e48c5391\n', false],
    ['', false],
  ])('%j → %s', (value, expected) => {
    expect(isHash(value)).toBe(expected);
  });
});
