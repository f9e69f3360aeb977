import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { branchRefName, checkRefName, isValidRefName } from '../../src/validation/ref-name.js';
import { createGitSandbox, type GitSandbox } from '../objects/git-sandbox.js';

const valid = [
  'refs/heads/main',
  'refs/heads/feature/x',
  'refs/heads/a/b/c/d',
  'refs/heads/a.b',
  'refs/heads/a-b_c',
  'refs/heads/héllo',
  'refs/heads/日本',
  'refs/heads/x@y',
  'refs/heads/@',
  'refs/heads/a.lockx',
  'refs/heads/lock.a',
  'refs/heads/x{y}',
  'refs/tags/v1.0.0',
  'refs/tags/release/2024-01',
  `refs/heads/${'b'.repeat(244)}`,
];

// Refused by git check-ref-format as well.
const invalidForGit = [
  'refs/heads/../../config',
  'refs/heads/a..b',
  'refs/heads/.hidden',
  'refs/heads/a/.b',
  'refs/heads/a.lock',
  'refs/heads/a.lock/b',
  'refs/heads/a/',
  'refs/heads/a.',
  'refs/heads/a//b',
  'refs/heads/a b',
  'refs/heads/a\tb',
  'refs/heads/a\nb',
  'refs/heads/a\x7fb',
  'refs/heads/a~1',
  'refs/heads/a^',
  'refs/heads/a:b',
  'refs/heads/a?',
  'refs/heads/a*',
  'refs/heads/a[b',
  'refs/heads/a\\b',
  'refs/heads/a@{1}',
  '@',
  '/refs/heads/a',
];

// Fine for git check-ref-format, refused here: not under refs/heads or refs/tags, no name at
// all, names git refuses as branches or tags, or too long for one file name.
const invalidHere = [
  '',
  'HEAD',
  'main',
  'refs/heads/',
  'refs/tags/',
  'refs/heads',
  'refs/remotes/origin/main',
  'refs/notes/x',
  'refs/heads/HEAD',
  'refs/heads/-rf',
  'refs/tags/-v1',
  `refs/heads/${'b'.repeat(245)}`,
  `refs/heads/${'é'.repeat(123)}`,
];

describe('checkRefName', () => {
  it.each(valid)('accepts %j', (name) => {
    expect(checkRefName(name)).toBe(name);
    expect(isValidRefName(name)).toBe(true);
  });

  it.each([...invalidForGit, ...invalidHere, 'refs/heads/a\0b', 'refs/heads/\uD800'])('refuses %j', (name) => {
    expect(isValidRefName(name)).toBe(false);
    expect(() => checkRefName(name)).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining('ref name') }),
    );
  });
});

describe('agrees with git check-ref-format', () => {
  let sandbox: GitSandbox;
  beforeAll(() => {
    sandbox = createGitSandbox();
  });
  afterAll(() => sandbox.remove());

  const gitAccepts = (name: string): boolean => sandbox.run(['check-ref-format', name]).status === 0;

  it('accepting every name accepted here', () => {
    expect(valid.filter((name) => !gitAccepts(name))).toEqual([]);
  });

  it('refusing the names it refuses', () => {
    expect(invalidForGit.filter(gitAccepts)).toEqual([]);
  });

  it('accepting the names refused only here (documenting where the rules are stricter)', () => {
    const syntacticallyFine = invalidHere.filter((name) => name.includes('/') && !name.endsWith('/'));
    expect(syntacticallyFine.filter((name) => !gitAccepts(name))).toEqual([]);
  });
});

describe('branchRefName', () => {
  it.each([
    ['main', 'refs/heads/main'],
    ['refs/heads/main', 'refs/heads/main'],
    ['feature/x', 'refs/heads/feature/x'],
    ['heads/x', 'refs/heads/heads/x'],
  ])('%j → %j', (branch, expected) => {
    expect(branchRefName(branch)).toBe(expected);
  });

  it.each([
    '',
    'HEAD',
    'refs/tags/v1',
    'refs/remotes/o/x',
    'refs/heads/',
    '../../config',
    'refs/heads/../../config',
    'a..b',
    '-x',
    'x.lock',
  ])('refuses %j', (branch) => {
    expect(() => branchRefName(branch)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
