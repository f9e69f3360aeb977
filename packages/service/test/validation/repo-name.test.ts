import { describe, expect, it } from 'vitest';
import { checkRepoName } from '../../src/validation/repo-name.js';

describe('checkRepoName', () => {
  it.each(['a', 'Z', '0', '_x', 'my-repo', 'My.Repo_2', 'a..b', 'a-', 'x.', 'r'.repeat(100)])('accepts %j', (name) => {
    expect(checkRepoName(name)).toBe(name);
  });

  it.each([
    '',
    '.',
    '..',
    '.hidden',
    '-rf',
    '../x',
    'a/b',
    'a\\b',
    '/abs',
    'a b',
    'a\0b',
    'a\nb',
    'é',
    'repo😀',
    'a:b',
    'a*',
    'r'.repeat(101),
    'x'.repeat(200),
  ])('refuses %j with invalid_argument', (name) => {
    expect(() => checkRepoName(name)).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining('repository name') }),
    );
  });

  it('quotes a long bad name cut short, with control characters escaped', () => {
    const name = `\0${'x'.repeat(500)}`;
    expect(() => checkRepoName(name)).toThrow(/"\\u0000x{79}"… \(501 chars\)/);
  });
});
