import { GovcError } from '@govc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashObject } from '../../src/objects/hash.js';
import { decodeTree, encodeTree, isTreeEntryMode, treeEntryType, type TreeEntryObject } from '../../src/objects/tree.js';
import { createGitSandbox, type GitSandbox } from './git-sandbox.js';

let sandbox: GitSandbox;
let blob: string;
let script: string;
let link: string;
let subtree: string;
const gitlink = '0123456789abcdef0123456789abcdef01234567';
// Tables are built before the hooks run, so they use a fixed hash (git's for "hello\n").
const helloHash = 'ce013625030ba8dba906f756967f9e9ca394464a';

beforeAll(() => {
  sandbox = createGitSandbox();
  const write = (content: string): string => sandbox.git(['hash-object', '-w', '--stdin'], { input: content });
  blob = write('hello\n');
  expect(blob).toBe(helloHash);
  script = write('#!/bin/sh\necho hi\n');
  link = write('target/file');
  subtree = sandbox.git(['mktree'], { input: `100644 blob ${blob}\tinner.txt\n` });
});
afterAll(() => sandbox.remove());

const typeOf = (mode: string): string => treeEntryType(mode) ?? 'unknown';

// git mktree sorts its input itself, so its result is the oracle for both bytes and order.
function gitMktree(entries: readonly TreeEntryObject[]): string {
  const input = entries.map((e) => `${e.mode} ${typeOf(e.mode)} ${e.hash}\t${e.name}\0`).join('');
  return sandbox.git(['mktree', '-z', '--missing'], { input });
}

function expectSameAsGit(entries: TreeEntryObject[]): void {
  const body = encodeTree(entries);
  const hash = gitMktree(entries);
  expect(hashObject('tree', body)).toBe(hash);
  expect(Buffer.from(body).equals(sandbox.gitBytes(['cat-file', 'tree', hash]))).toBe(true);
  const listed = sandbox.git(['ls-tree', '-z', '--full-tree', hash]).split('\0').filter(Boolean);
  const decoded = decodeTree(body);
  expect(decoded.map((e) => `${e.mode.padStart(6, '0')} ${typeOf(e.mode)} ${e.hash}\t${e.name}`)).toEqual(listed);
}

describe('encodeTree equals git mktree', () => {
  it('for the empty tree', () => {
    expect(hashObject('tree', encodeTree([]))).toBe('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
    expectSameAsGit([]);
  });

  it('for every mode: file, executable, symlink, tree, gitlink', () => {
    expectSameAsGit([
      { mode: '100644', name: 'README.md', hash: blob },
      { mode: '100755', name: 'run.sh', hash: script },
      { mode: '120000', name: 'link', hash: link },
      { mode: '40000', name: 'src', hash: subtree },
      { mode: '160000', name: 'vendor', hash: gitlink },
    ]);
  });

  it('sorts a tree as if its name ended in "/" (a tree "a" after "a-b" and "a.b", before "a0")', () => {
    const entries = [
      { mode: '100644', name: 'ab', hash: blob },
      { mode: '100644', name: 'a0', hash: blob },
      { mode: '40000', name: 'a', hash: subtree },
      { mode: '100644', name: 'a.b', hash: blob },
      { mode: '100644', name: 'a-b', hash: blob },
      { mode: '100644', name: 'A', hash: blob },
    ];
    expect(decodeTree(encodeTree(entries)).map((e) => e.name)).toEqual(['A', 'a-b', 'a.b', 'a', 'a0', 'ab']);
    expectSameAsGit(entries);
  });

  it('sorts a file "a" before "a-b", "a.b" and a tree "a0"', () => {
    const entries = [
      { mode: '40000', name: 'a0', hash: subtree },
      { mode: '100644', name: 'a.b', hash: blob },
      { mode: '100644', name: 'a-b', hash: blob },
      { mode: '100644', name: 'a', hash: blob },
    ];
    expect(decodeTree(encodeTree(entries)).map((e) => e.name)).toEqual(['a', 'a-b', 'a.b', 'a0']);
    expectSameAsGit(entries);
  });

  it('sorts a gitlink like a file, not like a tree', () => {
    expectSameAsGit([
      { mode: '160000', name: 'm', hash: gitlink },
      { mode: '100644', name: 'm.txt', hash: blob },
      { mode: '40000', name: 'm-dir', hash: subtree },
    ]);
  });

  it('sorts by UTF-8 bytes, not UTF-16 code units', () => {
    // U+FF71 sorts after U+1F600 in UTF-16 (0xFF71 > 0xD83D) but before it in UTF-8 (EF < F0).
    const entries = ['😀', 'ｱ', 'é', 'Z', 'z', '日本', 'with space', '~tilde'].map((name) => ({ mode: '100644', name, hash: blob }));
    expect(decodeTree(encodeTree(entries)).map((e) => e.name)).toEqual(['Z', 'with space', 'z', '~tilde', 'é', '日本', 'ｱ', '😀']);
    expectSameAsGit(entries);
  });
});

describe('encodeTree refuses', () => {
  const entry = (name: string, mode = '100644', hash = helloHash): TreeEntryObject => ({ mode, name, hash });
  it.each([
    ['a duplicate name', [entry('a'), entry('a')], /duplicate/],
    ['a file and a tree with one name', [entry('a'), entry('b'), entry('a', '40000')], /duplicate/],
    ['a zero-padded tree mode', [entry('a', '040000')], /unknown mode/],
    ['a group-writable mode', [entry('a', '100664')], /unknown mode/],
    ['an uppercase hash', [entry('a', '100644', helloHash.toUpperCase())], /hash/],
    ['a short hash', [entry('a', '100644', helloHash.slice(1))], /hash/],
    ['an empty name', [entry('')], /not names/],
    ['"."', [entry('.')], /not names/],
    ['".."', [entry('..')], /not names/],
    ['a slash', [entry('a/b')], /"\/" or NUL/],
    ['a NUL', [entry('a\0b')], /"\/" or NUL/],
    ['a lone surrogate', [entry('a\uD800')], /well-formed/],
    ['.git', [entry('.git', '40000')], /\.git/],
    ['.GIT', [entry('.GIT')], /\.git/],
    ['git~1', [entry('git~1')], /\.git/],
    ['.git. (NTFS drops the dot)', [entry('.git.')], /\.git/],
    ['.g\u200Cit (HFS+ ignores the joiner)', [entry('.g\u200Cit')], /\.git/],
    ['a symlinked .gitmodules', [entry('.gitmodules', '120000')], /symbolic link/],
    ['a symlinked .GITMODULES', [entry('.GITMODULES', '120000')], /symbolic link/],
  ])('%s', (_label, entries, message) => {
    expect(() => encodeTree(entries)).toThrow(GovcError);
    expect(() => encodeTree(entries)).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(message) }),
    );
  });

  it('accepts a regular .gitmodules file and lookalikes of .git', () => {
    expectSameAsGit([
      { mode: '100644', name: '.gitmodules', hash: blob },
      { mode: '100644', name: '.gitignore', hash: blob },
      { mode: '40000', name: '.github', hash: subtree },
      { mode: '100644', name: 'git~2', hash: blob },
    ]);
  });
});

describe('decodeTree', () => {
  it('round-trips a tree git wrote', () => {
    const hash = sandbox.git(['mktree'], {
      input: `100755 blob ${script}\trun.sh\n040000 tree ${subtree}\tsrc\n120000 blob ${link}\tlink\n`,
    });
    const body = sandbox.gitBytes(['cat-file', 'tree', hash]);
    const entries = decodeTree(body);
    expect(entries).toEqual([
      { mode: '120000', name: 'link', hash: link },
      { mode: '100755', name: 'run.sh', hash: script },
      { mode: '40000', name: 'src', hash: subtree },
    ]);
    expect(hashObject('tree', encodeTree(entries))).toBe(hash);
  });

  const raw = (text: string, hash = helloHash): Buffer => Buffer.concat([Buffer.from(text, 'latin1'), Buffer.from(hash, 'hex')]);
  it.each([
    ['a body without a space', Buffer.from('100644')],
    ['a truncated hash', raw('100644 a\0').subarray(0, 20)],
    ['a missing NUL', Buffer.from('100644 abc')],
    ['a zero-padded mode', raw('040000 a\0')],
    ['an unknown mode', raw('100664 a\0')],
    ['an empty name', raw('100644 \0')],
    ['a slash in a name', raw('100644 a/b\0')],
    ['a name that is not UTF-8', raw('100644 \xff\0')],
    ['entries out of order', Buffer.concat([raw('100644 b\0'), raw('100644 a\0')])],
    ['a duplicate entry', Buffer.concat([raw('100644 a\0'), raw('100644 a\0')])],
  ])('throws data_loss for %s', (_label, body) => {
    expect(() => decodeTree(body)).toThrow(expect.objectContaining({ code: 'data_loss' }));
  });
});

describe('tree entry modes', () => {
  it.each([
    ['100644', 'blob'],
    ['100755', 'blob'],
    ['120000', 'blob'],
    ['40000', 'tree'],
    ['160000', 'commit'],
  ])('%s points at a %s', (mode, type) => {
    expect(isTreeEntryMode(mode)).toBe(true);
    expect(treeEntryType(mode)).toBe(type);
  });

  it.each(['040000', '100664', '644', ''])('%j is not a mode git writes', (mode) => {
    expect(isTreeEntryMode(mode)).toBe(false);
    expect(treeEntryType(mode)).toBeUndefined();
  });
});
