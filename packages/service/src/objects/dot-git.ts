// git ignores these code points when HFS+ compares names, so ".g\u200Cit" opens ".git" there.
const hfsIgnorable = /[\u200C-\u200F\u202A-\u202E\u206A-\u206F\uFEFF]/gu;

// NTFS drops trailing dots and spaces, and `name:stream` opens `name`; `\` separates on Windows.
const ntfsDotGit = /^(?:\.git|git~1)[. ]*(?:$|[\\:])/;

function asciiLowerCase(name: string): string {
  return name.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}

function isHfsName(name: string, dotName: string): boolean {
  return asciiLowerCase(name.replace(hfsIgnorable, '')) === dotName;
}

/**
 * Whether a tree entry or path segment would open the repository's own `.git` on some
 * filesystem: case-insensitively, with NTFS's trailing dots, spaces, streams and `git~1` short
 * name, and HFS+'s ignorable code points. This is git's own `fsck` rule (`hasDotgit`).
 */
export function isDotGitName(name: string): boolean {
  return ntfsDotGit.test(asciiLowerCase(name)) || isHfsName(name, '.git');
}

function onlyDotsAndSpaces(rest: string): boolean {
  return /^[. ]*(?:$|:)/.test(rest);
}

// git's is_ntfs_dot_generic: `.gitmodules`, its `gitmod~1`..`~4` short names, and the hashed
// fall-back 8.3 names (`gi7eba~N`) Windows makes when those run out.
function isNtfsDotGitmodules(name: string): boolean {
  const lower = asciiLowerCase(name);
  if (lower.startsWith('.gitmodules')) return onlyDotsAndSpaces(lower.slice('.gitmodules'.length));
  if (/^gitmod~[1-4]/.test(lower)) return onlyDotsAndSpaces(lower.slice(8));
  const shortName = /^(g|gi|gi7|gi7e|gi7eb|gi7eba)?~[1-9][0-9]*/.exec(lower);
  return shortName !== null && shortName[0].length === 8 && onlyDotsAndSpaces(lower.slice(8));
}

/**
 * Whether a tree entry name is `.gitmodules` as git sees it on any filesystem. git's `fsck`
 * rejects such an entry when it is a symbolic link (`gitmodulesSymlink`).
 */
export function isDotGitmodulesName(name: string): boolean {
  return isNtfsDotGitmodules(name) || isHfsName(name, '.gitmodules');
}
