import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLooseObject, encodeLooseObject, looseObjectPath } from '../../src/export/loose-object.js';
import { encodeCommit } from '../../src/objects/commit.js';
import { hashObject } from '../../src/objects/hash.js';
import { encodeTree } from '../../src/objects/tree.js';
import { createGitSandbox, type GitSandbox } from '../objects/git-sandbox.js';

let sandbox: GitSandbox;
beforeAll(() => {
  sandbox = createGitSandbox();
});
afterAll(() => sandbox.remove());

describe('encodeLooseObject', () => {
  it('writes files git reads: a blob, a tree and a commit', () => {
    const blob = Buffer.from('binary \0 and ünïcødé\n');
    const blobHash = hashObject('blob', blob);
    const tree = encodeTree([{ mode: '100644', name: 'f', hash: blobHash }]);
    const treeHash = hashObject('tree', tree);
    const who = { name: 'A', email: 'a@x', time: 1, tzOffset: '+0000' };
    const commit = encodeCommit({ tree: treeHash, parents: [], author: who, committer: who, message: 'm\n' });
    for (const [type, body] of [
      ['blob', blob],
      ['tree', tree],
      ['commit', commit],
    ] as const) {
      const hash = hashObject(type, body);
      const path = join(sandbox.repo, 'objects', looseObjectPath(hash));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, encodeLooseObject(type, body));
      expect(sandbox.git(['cat-file', '-t', hash])).toBe(type);
      expect(sandbox.gitBytes(['cat-file', type, hash]).equals(body)).toBe(true);
    }
    const fsck = sandbox.run(['fsck', '--strict', '--no-dangling']);
    expect(fsck.status).toBe(0);
    expect(fsck.stderr).not.toMatch(/error|warning|missing/);
  });
});

describe('decodeLooseObject', () => {
  it('reads a loose object git wrote', () => {
    const content = 'written by git\n';
    const hash = sandbox.git(['hash-object', '-w', '--stdin'], { input: content });
    const decoded = decodeLooseObject(readFileSync(join(sandbox.repo, 'objects', looseObjectPath(hash))));
    expect(decoded.type).toBe('blob');
    expect(Buffer.from(decoded.body).toString()).toBe(content);
  });

  it('round-trips an empty body', () => {
    const decoded = decodeLooseObject(encodeLooseObject('tree', new Uint8Array(0)));
    expect(decoded.type).toBe('tree');
    expect(decoded.body).toHaveLength(0);
  });

  it.each([
    ['bytes that are not zlib', Buffer.from('not zlib at all')],
    ['a truncated stream', encodeLooseObject('blob', Buffer.from('hello world')).subarray(0, 8)],
    ['no NUL after the header', deflateSync(Buffer.from('blob 5 hello'))],
    ['an unknown type', deflateSync(Buffer.from('bolb 1\0x'))],
    ['a size that disagrees with the body', deflateSync(Buffer.from('blob 2\0x'))],
    ['a zero-padded size', deflateSync(Buffer.from('blob 01\0x'))],
    ['a negative size', deflateSync(Buffer.from('blob -1\0x'))],
    ['an overlong header', deflateSync(Buffer.from(`blob ${'1'.repeat(40)}\0x`))],
  ])('throws data_loss for %s', (_label, bytes) => {
    expect(() => decodeLooseObject(bytes)).toThrow(expect.objectContaining({ code: 'data_loss' }));
  });
});

describe('looseObjectPath', () => {
  it('splits the hash into a fan-out directory and a file name', () => {
    expect(looseObjectPath('4b825dc642cb6eb9a060e54bf8d69288fbee4904')).toBe('4b/825dc642cb6eb9a060e54bf8d69288fbee4904');
  });

  it.each(['../../../../etc/passwd', '4B825DC642CB6EB9A060E54BF8D69288FBEE4904', ''])('refuses %j', (hash) => {
    expect(() => looseObjectPath(hash)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
