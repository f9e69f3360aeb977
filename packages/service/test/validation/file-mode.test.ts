import { describe, expect, it } from 'vitest';
import { checkFileMode } from '../../src/validation/file-mode.js';

describe('checkFileMode', () => {
  it.each(['100644', '100755', '120000'])('accepts %j', (mode) => {
    expect(checkFileMode(mode)).toBe(mode);
  });

  it('accepts a gitlink only when allowed', () => {
    expect(checkFileMode('160000', { allowGitlink: true })).toBe('160000');
    expect(() => checkFileMode('160000')).toThrow(/100644, 100755 or 120000/);
  });

  it.each(['', '644', '0100644', '100664', '40000', '040000', '100644 ', 'abc'])('refuses %j', (mode) => {
    expect(() => checkFileMode(mode, { allowGitlink: true })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining('file mode') }),
    );
  });
});
