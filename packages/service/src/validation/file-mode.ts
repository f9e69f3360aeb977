import { GovcError } from '@govc/core';
import { describeValue } from './describe-value.js';

/** The modes a commit's file change may set: regular, executable, symbolic link, or gitlink. */
export type FileMode = '100644' | '100755' | '120000' | '160000';

/** Options of {@link checkFileMode}. */
export interface CheckFileModeOptions {
  /**
   * Whether `160000` (a gitlink: a submodule's commit) is allowed. Default `false`: a gitlink
   * names a commit by hash and has no content, so only a change that gives a `hash` can be one.
   */
  readonly allowGitlink?: boolean;
}

const fileModes: ReadonlySet<string> = new Set<FileMode>(['100644', '100755', '120000']);

/**
 * Checks the octal mode of a file change and returns it. Throws `invalid_argument` for any
 * other mode, including trees (`40000`), which a change makes by its path instead.
 */
export function checkFileMode(mode: string, options: CheckFileModeOptions = {}): FileMode {
  if (fileModes.has(mode) || (mode === '160000' && options.allowGitlink === true)) return mode as FileMode;
  const allowed = options.allowGitlink === true ? '100644, 100755, 120000 or 160000' : '100644, 100755 or 120000';
  throw new GovcError('invalid_argument', `file mode ${describeValue(mode)} must be ${allowed}`);
}
