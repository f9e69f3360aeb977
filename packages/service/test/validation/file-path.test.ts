import { describe, expect, it } from 'vitest';
import { checkFilePath } from '../../src/validation/file-path.js';

describe('checkFilePath', () => {
  it.each<[string, string[]]>([
    ['a', ['a']],
    ['a/b/c.txt', ['a', 'b', 'c.txt']],
    ['.gitignore', ['.gitignore']],
    ['.github/workflows/ci.yml', ['.github', 'workflows', 'ci.yml']],
    ['sub/.gitmodules', ['sub', '.gitmodules']],
    ['...', ['...']],
    ['a..b/c', ['a..b', 'c']],
    ['git', ['git']],
    ['x.git/y', ['x.git', 'y']],
    ['dir with space/ü 日本 😀.txt', ['dir with space', 'ü 日本 😀.txt']],
    ['colon:ok', ['colon:ok']],
    [`${'a'.repeat(2000)}/${'b'.repeat(2095)}`, ['a'.repeat(2000), 'b'.repeat(2095)]],
  ])('accepts %j', (path, segments) => {
    expect(checkFilePath(path)).toEqual(segments);
  });

  it.each([
    ['', /empty/],
    ['/etc/passwd', /starts or ends/],
    ['a/', /starts or ends/],
    ['/', /starts or ends/],
    ['a//b', /empty segment/],
    ['.', /"\." segment/],
    ['./a', /"\." segment/],
    ['a/./b', /"\." segment/],
    ['..', /"\.\." segment/],
    ['../x', /"\.\." segment/],
    ['a/../../b', /"\.\." segment/],
    ['.git', /\.git segment/],
    ['.git/config', /\.git segment/],
    ['a/.GIT/hooks/pre-commit', /\.git segment/],
    ['git~1/config', /\.git segment/],
    ['.git./config', /\.git segment/],
    ['.git /config', /\.git segment/],
    ['.g\u200Cit/config', /\.git segment/],
    ['a\0b', /NUL/],
    ['a\\..\\..\\x', /backslash/],
    ['a\uDC00', /well-formed/],
    ['x'.repeat(4097), /4096 bytes/],
    ['é'.repeat(2049), /4096 bytes/],
  ])('refuses %j', (path, message) => {
    expect(() => checkFilePath(path)).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(message) }),
    );
  });
});
