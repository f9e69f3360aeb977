/** The file-system errors a data directory commonly meets, in words (the code follows, for searching). */
const causes: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EIO: 'an input/output error on the device',
  EBUSY: 'the device or resource is busy',
};

/** Says what went wrong in a file-system call in words, e.g. `permission denied (EACCES)`; anything else by its message. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const cause = code === undefined ? undefined : causes[code];
  if (cause !== undefined) return `${cause} (${code})`;
  return error instanceof Error ? error.message : String(error);
}
