import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCommit } from '../../src/objects/commit.js';
import { hashObject } from '../../src/objects/hash.js';
import type { Signature } from '../../src/objects/signature.js';
import { checkSignature } from '../../src/validation/signature.js';
import { createGitSandbox, type GitSandbox } from '../objects/git-sandbox.js';

const emptyTree = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const base: Signature = { name: 'Alice', email: 'alice@example.com', time: 1_700_000_000, tzOffset: '+0200' };

const accepted: Partial<Signature>[] = [
  {},
  { name: 'Zoë Ünïcødé 日本語' },
  { name: "Dr. O'Brien, Jr-x" },
  { name: 'A  B' },
  { email: '' },
  { email: 'first.last+tag@sub.example.co.uk' },
  { time: 0 },
  { time: Number.MAX_SAFE_INTEGER },
  { tzOffset: '-0530' },
];

// Each is a value git would change (strip, drop) or a date it would rewrite.
const refused: [string, Partial<Signature>, RegExp][] = [
  ['an empty name', { name: '' }, /author\.name must not be empty/],
  ['a trailing dot (git 2.39 strips it, later versions keep it)', { name: 'King Jr.' }, /author\.name .*\(git would strip it\)/],
  ['a leading space', { name: ' Alice' }, /author\.name/],
  ['a trailing space', { name: 'Alice ' }, /author\.name/],
  ['a trailing comma', { name: 'Alice,' }, /author\.name/],
  ['a leading quote', { name: '"Alice"' }, /author\.name/],
  ['a "<" inside', { name: 'A<b' }, /author\.name/],
  ['a ">" inside the email', { email: 'a>b@x' }, /author\.email/],
  ['an email in angle brackets', { email: '<a@x>' }, /author\.email/],
  ['a newline inside', { name: 'A\nB' }, /author\.name/],
  ['a tab inside', { name: 'A\tB' }, /author\.name/],
  ['a NUL inside', { email: 'a\0b' }, /author\.email/],
  ['a lone surrogate', { name: 'A\uD800B' }, /well-formed/],
  ['a negative time', { time: -1 }, /author\.time/],
  ['a fractional time', { time: 1.5 }, /author\.time/],
  ['an unsafe time', { time: 2 ** 53 }, /author\.time/],
  ['a malformed offset', { tzOffset: '+2' }, /author\.tzOffset/],
  ['-0000', { tzOffset: '-0000' }, /author\.tzOffset/],
  ['61 minutes', { tzOffset: '+0161' }, /author\.tzOffset/],
];

describe('checkSignature', () => {
  it.each(accepted)('accepts %j', (change) => {
    const signature = { ...base, ...change };
    expect(checkSignature(signature, 'author')).toBe(signature);
  });

  it.each(refused)('refuses %s', (_label, change, message) => {
    expect(() => checkSignature({ ...base, ...change }, 'author')).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(message) }),
    );
  });
});

// Why these rules: what passes makes git's hash; what git would alter is refused.
describe('against git commit-tree', () => {
  let sandbox: GitSandbox;
  beforeAll(() => {
    sandbox = createGitSandbox();
  });
  afterAll(() => sandbox.remove());

  function gitHash(person: Signature): string {
    const env = {
      GIT_AUTHOR_NAME: person.name,
      GIT_AUTHOR_EMAIL: person.email,
      GIT_AUTHOR_DATE: `@${person.time} ${person.tzOffset}`,
      GIT_COMMITTER_NAME: person.name,
      GIT_COMMITTER_EMAIL: person.email,
      GIT_COMMITTER_DATE: `@${person.time} ${person.tzOffset}`,
    };
    return sandbox.git(['commit-tree', emptyTree], { input: 'm\n', env });
  }
  const ourHash = (person: Signature): string =>
    hashObject('commit', encodeCommit({ tree: emptyTree, parents: [], author: person, committer: person, message: 'm\n' }));

  it('makes the same commit for every accepted signature', () => {
    for (const change of accepted) {
      const person = checkSignature({ ...base, ...change }, 'author');
      expect(ourHash(person), JSON.stringify(change)).toBe(gitHash(person));
    }
  });

  it.each<[string, Partial<Signature>]>([
    ['a leading space', { name: ' Alice' }],
    ['a trailing comma', { name: 'Alice,' }],
    ['a newline inside (git drops it)', { name: 'A\nB' }],
    ['61 minutes (git writes +0201)', { tzOffset: '+0161' }],
    ['-0000 (git writes +0000)', { tzOffset: '-0000' }],
  ])('would make a different commit for %s', (_label, change) => {
    const person = { ...base, ...change };
    let ours: string;
    try {
      ours = ourHash(person);
    } catch {
      return; // the encoder itself cannot write it: no hash to differ
    }
    expect(ours).not.toBe(gitHash(person));
  });
});
