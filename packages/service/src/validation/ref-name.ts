import { GovcError } from '@govc/core';
import { isWellFormedString } from '../objects/unicode.js';
import { describeValue } from './describe-value.js';

const branchPrefix = 'refs/heads/';
const tagPrefix = 'refs/tags/';

// Refs become files under --data-dir, and 255 bytes is the usual limit of one file name.
const maxRefNameBytes = 255;

// git check-ref-format: no control characters, space, ~ ^ : ? * [ or backslash anywhere.
const forbiddenChars = /[\0-\x20\x7f~^:?*[\\]/;

// Why `name` is not a ref name git would accept in refs/heads or refs/tags, or undefined if it is.
function refNameProblem(name: string): string | undefined {
  const prefix = name.startsWith(branchPrefix) ? branchPrefix : name.startsWith(tagPrefix) ? tagPrefix : undefined;
  if (prefix === undefined) return 'must start with refs/heads/ or refs/tags/';
  const short = name.slice(prefix.length);
  if (short === '') return 'names no branch or tag';
  if (Buffer.byteLength(name, 'utf8') > maxRefNameBytes) return `is longer than ${maxRefNameBytes} bytes`;
  if (!isWellFormedString(name)) return 'is not well-formed Unicode';
  if (forbiddenChars.test(name)) return 'contains a control character, space, or one of ~ ^ : ? * [ \\';
  if (name.includes('..')) return 'contains ".."';
  if (name.includes('@{')) return 'contains "@{"';
  if (name.endsWith('/') || name.endsWith('.')) return 'ends with "/" or "."';
  for (const component of short.split('/')) {
    if (component === '') return 'has an empty component';
    if (component.startsWith('.')) return 'has a component starting with "."';
    if (component.endsWith('.lock')) return 'has a component ending with ".lock"';
  }
  // git refuses these as branch and tag names: they would read as options or shadow HEAD.
  if (short.startsWith('-')) return 'names a branch or tag starting with "-"';
  if (prefix === branchPrefix && short === 'HEAD') return 'names a branch HEAD';
  return undefined;
}

/**
 * Whether `name` is a full ref name the service writes: `refs/heads/*` or `refs/tags/*`,
 * following git's `check-ref-format` rules. See {@link checkRefName}.
 */
export function isValidRefName(name: string): boolean {
  return refNameProblem(name) === undefined;
}

/**
 * Checks a full ref name: `refs/heads/<branch>` or `refs/tags/<tag>` under git's
 * `check-ref-format` rules (no `..`, `@{`, `//`, control characters, space, `~^:?*[\`, no
 * component starting with `.` or ending with `.lock`, not ending in `/` or `.`), at most 255
 * bytes, and no branch or tag starting with `-` or branch named `HEAD`, as git refuses them.
 * Returns it; throws `invalid_argument` otherwise.
 */
export function checkRefName(name: string): string {
  const problem = refNameProblem(name);
  if (problem !== undefined) throw new GovcError('invalid_argument', `ref name ${describeValue(name)} ${problem}`);
  return name;
}

/**
 * The full ref name of a branch given as `main` or `refs/heads/main`, checked by
 * {@link checkRefName}. Any other `refs/…` name (a tag, say) is `invalid_argument`.
 */
export function branchRefName(branch: string): string {
  if (branch.startsWith('refs/') && !branch.startsWith(branchPrefix)) {
    throw new GovcError('invalid_argument', `branch ${describeValue(branch)} must be a branch name or refs/heads/<name>`);
  }
  return checkRefName(branch.startsWith(branchPrefix) ? branch : `${branchPrefix}${branch}`);
}
