import { GovcError } from '@govc/core';
import { describeValue } from './describe-value.js';

// A name is also a directory under --data-dir, so only characters safe on every filesystem,
// and no leading '.' (hidden files, "..") or '-' (read as an option by tools).
const repoNamePattern = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;

/** Whether `name` is a repository name {@link checkRepoName} accepts. */
export function isRepoName(name: string): boolean {
  return repoNamePattern.test(name);
}

/**
 * Checks a repository name: 1–100 characters of `[A-Za-z0-9._-]`, not starting with `.` or `-`.
 * Returns it; throws `invalid_argument` otherwise.
 */
export function checkRepoName(name: string): string {
  if (!isRepoName(name)) {
    throw new GovcError(
      'invalid_argument',
      `repository name ${describeValue(name)} must be 1–100 characters of A-Z a-z 0-9 . _ - and not start with . or -`,
    );
  }
  return name;
}
