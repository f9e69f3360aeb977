import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { GovcError } from '@govc/core';

/**
 * A fresh temp-file name `<purpose>.tmp-<random>` in `dir`. Temp files only ever live in
 * directories that start-up empties, so a crash between write and rename leaves nothing behind.
 */
export function tempPath(dir: string, purpose: string): string {
  return join(dir, `${purpose}.tmp-${randomBytes(8).toString('hex')}`);
}

/** Makes a directory's entries (files created, renamed or removed in it) durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Maps a file-system failure to the service's codes: a full disk or quota is
 * `resource_exhausted` (the caller may free space and retry), anything else `internal`.
 */
export function storageError(error: unknown, what: string): GovcError {
  if (error instanceof GovcError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new GovcError('resource_exhausted', `${what}: the disk is full`, { cause: error });
  return GovcError.from(error, 'internal');
}
