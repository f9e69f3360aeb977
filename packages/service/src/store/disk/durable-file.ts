import { randomBytes } from 'node:crypto';
import { closeSync, fdatasync, fsync, open, openSync, write, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GovcError } from '@govc/core';

/**
 * A fresh temp-file name `<purpose>.tmp-<random>` in `dir`. Temp files only ever live in
 * directories that start-up empties, so a crash between write and rename leaves nothing behind.
 */
export function tempPath(dir: string, purpose: string): string {
  return join(dir, `${purpose}.tmp-${randomBytes(8).toString('hex')}`);
}

const openFile = promisify(open);
const fsyncFd = promisify(fsync);
const fdatasyncFd = promisify(fdatasync);
const writeFd = promisify(write);

// A thread-pool round trip costs 50-130 µs of CPU on a small VM (more when the loop stalls on the
// pool's lock), against 15-60 µs for a call that does not wait on the device: closing, opening a
// directory, writing a little into the page cache and renaming are made inline. What can wait
// long goes to the pool: syncs, big writes, and creating a file, which on ext4 waits ≈ 0.5 ms on
// average for the journal while other syncs run (a rename, measured the same way: ≈ 60 µs).
const inlineWriteMaxBytes = 256 * 1024;

/** Makes a directory's entries (files created, renamed or removed in it) durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

async function writeAll(fd: number, bytes: Uint8Array): Promise<void> {
  // Each round writes at least one byte or throws, so this ends.
  for (let at = 0; at < bytes.byteLength;) {
    const length = Math.min(bytes.byteLength - at, inlineWriteMaxBytes);
    at += bytes.byteLength <= inlineWriteMaxBytes ? writeSync(fd, bytes, at, length) : (await writeFd(fd, bytes, at, length)).bytesWritten;
  }
}

/**
 * Creates `path`, which must not exist, holding `bytes` with permissions `mode`, and makes its
 * data durable. fdatasync suffices: for a new file it also flushes the size, the metadata needed
 * to read the data back. The name is not yet durable: that takes a sync of its directory.
 */
export async function writeNewFileSynced(path: string, bytes: Uint8Array, mode: number): Promise<void> {
  const fd = await openFile(path, 'wx', mode);
  try {
    await writeAll(fd, bytes);
    await fdatasyncFd(fd);
  } finally {
    closeSync(fd);
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
