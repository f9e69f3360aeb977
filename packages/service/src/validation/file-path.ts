import { GovcError } from '@govc/core';
import { isDotGitName } from '../objects/dot-git.js';
import { isWellFormedString } from '../objects/unicode.js';
import { describeValue } from './describe-value.js';

// PATH_MAX on Linux; longer paths could not be checked out anyway.
const maxPathBytes = 4096;

function pathProblem(path: string, segments: readonly string[]): string | undefined {
  if (path === '') return 'is empty';
  if (Buffer.byteLength(path, 'utf8') > maxPathBytes) return `is longer than ${maxPathBytes} bytes`;
  if (path.includes('\0')) return 'contains NUL';
  if (!isWellFormedString(path)) return 'is not well-formed Unicode';
  // A separator on Windows: "a\..\..\x" would climb out of a checkout there.
  if (path.includes('\\')) return 'contains a backslash';
  if (path.startsWith('/') || path.endsWith('/')) return 'starts or ends with "/"';
  for (const segment of segments) {
    if (segment === '') return 'has an empty segment';
    if (segment === '.' || segment === '..') return `has a "${segment}" segment`;
    if (isDotGitName(segment)) return 'has a .git segment';
  }
  return undefined;
}

/**
 * Checks a file path of a commit and returns its segments: `/`-separated, no empty, `.`, `..`
 * or `.git` segment (nor what some filesystem would open as `.git`, such as `.GIT` or `git~1`),
 * no NUL or backslash, no leading or trailing `/`, at most 4096 bytes. Throws
 * `invalid_argument` otherwise.
 */
export function checkFilePath(path: string): string[] {
  const segments = path.split('/');
  const problem = pathProblem(path, segments);
  if (problem !== undefined) throw new GovcError('invalid_argument', `path ${describeValue(path)} ${problem}`);
  return segments;
}
