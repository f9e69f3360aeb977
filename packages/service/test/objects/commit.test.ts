import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCommit, encodeCommit, normalizeCommitMessage, type CommitObject } from '../../src/objects/commit.js';
import { hashObject } from '../../src/objects/hash.js';
import type { Signature } from '../../src/objects/signature.js';
import { createGitSandbox, type GitSandbox } from './git-sandbox.js';

const emptyTree = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

let sandbox: GitSandbox;
let tree: string;
beforeAll(() => {
  sandbox = createGitSandbox();
  const blob = sandbox.git(['hash-object', '-w', '--stdin'], { input: 'content\n' });
  tree = sandbox.git(['mktree'], { input: `100644 blob ${blob}\tfile.txt\n` });
});
afterAll(() => sandbox.remove());

function identityEnv(author: Signature, committer: Signature): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_AUTHOR_DATE: `@${author.time} ${author.tzOffset}`,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
    GIT_COMMITTER_DATE: `@${committer.time} ${committer.tzOffset}`,
  };
}

/** `git commit-tree` with the message on stdin, which git stores byte for byte. */
function gitCommitTree(commit: CommitObject): string {
  const args = ['commit-tree', commit.tree, ...commit.parents.flatMap((parent) => ['-p', parent])];
  return sandbox.git(args, { input: commit.message, env: identityEnv(commit.author, commit.committer) });
}

/** `git commit-tree -m`, which completes the message's last line. */
function gitCommitTreeM(commit: CommitObject): string {
  const args = ['commit-tree', commit.tree, ...commit.parents.flatMap((parent) => ['-p', parent]), '-m', commit.message];
  return sandbox.git(args, { env: identityEnv(commit.author, commit.committer) });
}

const alice: Signature = { name: 'Alice Example', email: 'alice@example.com', time: 1_700_000_000, tzOffset: '+0200' };
const bob: Signature = { name: 'Bob', email: 'bob@example.org', time: 1_700_000_100, tzOffset: '-0530' };

function expectSameAsGit(commit: CommitObject): string {
  const hash = gitCommitTree(commit);
  const body = encodeCommit(commit);
  expect(hashObject('commit', body)).toBe(hash);
  const stored = sandbox.gitBytes(['cat-file', 'commit', hash]);
  expect(Buffer.from(body).equals(stored)).toBe(true);
  expect(decodeCommit(stored)).toEqual(commit);
  return hash;
}

describe('encodeCommit equals git commit-tree', () => {
  it('for root, child and merge commits (0, 1 and 2 parents)', () => {
    const root = expectSameAsGit({ tree, parents: [], author: alice, committer: alice, message: 'root\n' });
    const left = expectSameAsGit({ tree: emptyTree, parents: [root], author: alice, committer: bob, message: 'left\n' });
    const right = expectSameAsGit({ tree, parents: [root], author: bob, committer: bob, message: 'right\n' });
    expectSameAsGit({ tree, parents: [left, right], author: alice, committer: bob, message: 'Merge\n' });
  });

  it('for an octopus merge (3 parents)', () => {
    const parents = ['a', 'b', 'c'].map((message) => gitCommitTree({ tree, parents: [], author: alice, committer: alice, message }));
    expectSameAsGit({ tree, parents, author: alice, committer: alice, message: 'octopus\n' });
  });

  it.each<[string, Partial<Signature>]>([
    ['UTC', { tzOffset: '+0000' }],
    ['a positive offset', { tzOffset: '+0200' }],
    ['a negative half-hour offset', { tzOffset: '-0530' }],
    ['the largest offset', { tzOffset: '+1400' }],
    ['-1200', { tzOffset: '-1200' }],
    ['time 0', { time: 0 }],
    ['a time past 2038', { time: 4_102_444_800 }],
    ['a unicode name', { name: 'Zoë Ünïcødé 日本語 😀' }],
    ['an empty email', { email: '' }],
    ['inner punctuation', { name: "Dr. O'Brien, Jr-x", email: 'first.last+tag@sub.example.co.uk' }],
    ['inner spaces and a tab', { name: 'A  B\tC' }],
  ])('for %s', (_label, change) => {
    const author = { ...alice, ...change };
    expectSameAsGit({ tree, parents: [], author, committer: { ...bob, ...change }, message: 'x\n' });
  });

  it.each([
    ['a message with a trailing newline', 'subject\n'],
    ['a message without a trailing newline (stored as given)', 'subject'],
    ['an empty message', ''],
    ['a multi-line message', 'subject\n\nbody line 1\nbody line 2\n\nSigned-off-by: A <a@example.com>\n'],
    ['trailing blank lines', 'subject\n\n\n'],
    ['a unicode message', 'Ünïcødé ✓ 日本語 😀\n\nbody\n'],
    ['CRLF line ends', 'subject\r\n\r\nbody\r\n'],
  ])('for %s', (_label, message) => {
    expectSameAsGit({ tree, parents: [], author: alice, committer: bob, message });
  });
});

describe('normalizeCommitMessage', () => {
  it.each([
    ['subject', 'subject\n'],
    ['subject\n', 'subject\n'],
    ['subject\n\n', 'subject\n\n'],
    ['multi\nline', 'multi\nline\n'],
    ['', ''],
    ['ünï 😀', 'ünï 😀\n'],
  ])('%j → %j', (message, expected) => {
    expect(normalizeCommitMessage(message)).toBe(expected);
  });

  it.each(['subject', 'subject\n', 'multi\nline\n\nbody', '', 'Ünïcødé 😀'])(
    'makes the hash git commit-tree -m makes for %j',
    (message) => {
      const commit = { tree, parents: [], author: alice, committer: bob, message };
      const hash = gitCommitTreeM(commit);
      expect(hashObject('commit', encodeCommit({ ...commit, message: normalizeCommitMessage(message) }))).toBe(hash);
    },
  );
});

describe('encodeCommit refuses', () => {
  const base: CommitObject = { tree: emptyTree, parents: [], author: alice, committer: alice, message: 'x\n' };
  it.each<[string, Partial<CommitObject>]>([
    ['an uppercase tree hash', { tree: emptyTree.toUpperCase() }],
    ['a short parent', { parents: [emptyTree.slice(2)] }],
    ['a "<" in a name', { author: { ...alice, name: 'A <evil>' } }],
    ['a newline in an email', { committer: { ...alice, email: 'a@b\ncommitter x' } }],
    ['a NUL in a name', { author: { ...alice, name: 'a\0b' } }],
    ['a negative time', { author: { ...alice, time: -1 } }],
    ['a fractional time', { author: { ...alice, time: 1.5 } }],
    ['a malformed offset', { author: { ...alice, tzOffset: '+2' } }],
    ['a lone surrogate in the message', { message: 'broken \uD800\n' }],
  ])('%s with invalid_argument', (_label, change) => {
    expect(() => encodeCommit({ ...base, ...change })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe('decodeCommit', () => {
  const header = `tree ${emptyTree}\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 -0100\n`;

  it('skips extra headers git writes (encoding, gpgsig with continuation lines, mergetag)', () => {
    const parent = gitCommitTree({ tree, parents: [], author: alice, committer: alice, message: 'p\n' });
    const text =
      `tree ${tree}\nparent ${parent}\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 -0100\nencoding UTF-8\n` +
      'gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEz\n -----END PGP SIGNATURE-----\n\nsigned message\n';
    const hash = sandbox.git(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: text });
    const decoded = decodeCommit(sandbox.gitBytes(['cat-file', 'commit', hash]));
    expect(decoded).toEqual({
      tree,
      parents: [parent],
      author: { name: 'A', email: 'a@x', time: 1, tzOffset: '+0000' },
      committer: { name: 'C', email: 'c@x', time: 2, tzOffset: '-0100' },
      message: 'signed message\n',
    });
    expect(sandbox.git(['log', '-1', '--format=%s', hash])).toBe('signed message');
  });

  it('reads a commit whose headers end the object as having an empty message', () => {
    expect(decodeCommit(Buffer.from(header)).message).toBe('');
  });

  it('reads a message in a legacy encoding with replacement characters instead of failing', () => {
    const body = Buffer.concat([Buffer.from(`${header}encoding ISO-8859-1\n\n`), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])]);
    expect(decodeCommit(body).message).toBe('caf\uFFFD\n');
  });

  it.each([
    ['an empty body', ''],
    ['no tree first', `author A <a@x> 1 +0000\ntree ${emptyTree}\ncommitter C <c@x> 2 +0000\n\nm`],
    ['a short tree hash', `tree ${emptyTree.slice(1)}\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 +0000\n\nm`],
    ['a bad parent', `tree ${emptyTree}\nparent xyz\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 +0000\n\nm`],
    ['no author', `tree ${emptyTree}\ncommitter C <c@x> 2 +0000\n\nm`],
    ['no committer', `tree ${emptyTree}\nauthor A <a@x> 1 +0000\n\nm`],
    ['a signature without a date', `tree ${emptyTree}\nauthor A <a@x>\ncommitter C <c@x> 2 +0000\n\nm`],
    ['a signature without an email', `tree ${emptyTree}\nauthor A 1 +0000\ncommitter C <c@x> 2 +0000\n\nm`],
    ['a malformed offset', `tree ${emptyTree}\nauthor A <a@x> 1 +00\ncommitter C <c@x> 2 +0000\n\nm`],
  ])('throws data_loss for %s', (_label, text) => {
    expect(() => decodeCommit(Buffer.from(text))).toThrow(expect.objectContaining({ code: 'data_loss' }));
  });

  it('throws data_loss for headers that are not UTF-8', () => {
    const body = Buffer.concat([Buffer.from(`tree ${emptyTree}\nauthor `), Buffer.from([0xff]), Buffer.from(' <a@x> 1 +0000\n')]);
    expect(() => decodeCommit(body)).toThrow(expect.objectContaining({ code: 'data_loss' }));
  });
});
