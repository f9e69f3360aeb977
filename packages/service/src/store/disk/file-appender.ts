import { constants } from 'node:fs';
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GovcError } from '@govc/core';
import { AlignedBufferPool } from './aligned-buffer-pool.js';
import { tempPath } from './durable-file.js';

// Writes of 1 MiB: few system calls. One buffer filling and two being written keep the disk busy
// (more gained nothing) while using at most two of the four libuv threads, and bound the memory.
const stagingBytes = 1024 * 1024;
const stagingBuffers = 3;

// A file written through the page cache starts the disk on every 32 MiB written, so that the
// final fsync finds little left to do.
const writebackBytes = 32 * 1024 * 1024;

// Large files bypass the page cache (O_DIRECT): on a VM, filling fresh page-cache pages cost
// 0.8–1.9 s of kernel time per GiB, direct writes 0.15 s. Below one staging buffer it saves nothing.
const directMinBytes = stagingBytes;
// O_DIRECT wants addresses, lengths and offsets aligned to the device's logical block: 4096
// covers disks of 512-byte and of 4 KiB blocks.
const directAlignment = 4096;
const createFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;

// Direct writes stage in page-aligned buffers shared by every appender of the process (the
// address space they reserve is the process's): 16 MiB keep five large files at full speed;
// past that each further file writes through one buffer of its own, dropped when it is done.
const directBuffers = new AlignedBufferPool(stagingBytes, 16);

// Whether direct writes work, per device: probed once each, since file systems differ (tmpfs,
// FUSE and older kernels refuse O_DIRECT, some only at the first write).
const directByDevice = new Map<number, Promise<boolean>>();

async function probeDirectWrites(dir: string): Promise<boolean> {
  const probe = tempPath(dir, 'direct-probe');
  const buffer = directBuffers.take();
  try {
    const handle = await open(probe, createFlags | constants.O_DIRECT, 0o600);
    try {
      await handle.write(buffer.fill(0, 0, directAlignment), 0, directAlignment, 0);
    } finally {
      await handle.close();
    }
    return true;
  } catch {
    return false;
  } finally {
    directBuffers.give(buffer);
    await rm(probe, { force: true }).catch(() => undefined); // the temp directory is emptied at start-up anyway
  }
}

async function directWritesWork(dir: string): Promise<boolean> {
  if (constants.O_DIRECT === undefined) return false; // not Linux
  const { dev } = await stat(dir);
  let works = directByDevice.get(dev);
  if (works === undefined) {
    works = probeDirectWrites(dir);
    directByDevice.set(dev, works);
  }
  return works;
}

/** A new file written front to back; see {@link openFileAppender}. */
export interface FileAppender {
  /** Copies `bytes` in; waits only while every staging buffer is being written. */
  append(bytes: Uint8Array): Promise<void>;
  /** Writes what is staged, waits for every write and, if `durable`, fsyncs the file. */
  finish(): Promise<void>;
  /** Waits for whatever is still in flight (after a failure too) and closes the file. Always call it. */
  close(): Promise<void>;
}

/** How {@link openFileAppender} makes and writes a file. */
export interface FileAppenderOptions {
  /** Whether the file must be on disk when `finish` resolves (fsynced), or may stay in the page cache. */
  readonly durable: boolean;
  /** The file's size if known: a small file gets a small buffer; a large one is written directly. */
  readonly expectedBytes?: number | undefined;
  /** Permission bits of the new file. */
  readonly mode: number;
}

/**
 * Creates the file `path` (which must not exist) to be written through a few reused staging
 * buffers: the caller fills one while the others are written at their positions, so that reading
 * the source and writing the file overlap, and memory stays at `stagingBuffers` buffers. A large
 * file of known size is written with O_DIRECT where the file system takes it, through aligned
 * buffers of a pool shared by the process and given back at close (the last block zero-padded,
 * then the file truncated to size); others go through the page cache, and a durable one is
 * flushed as it grows (fdatasync every `writebackBytes`, not awaited).
 */
export async function openFileAppender(path: string, options: FileAppenderOptions): Promise<FileAppender> {
  const { durable, expectedBytes } = options;
  const direct = expectedBytes !== undefined && expectedBytes >= directMinBytes && (await directWritesWork(dirname(path)));
  const handle = await open(path, createFlags | (direct ? constants.O_DIRECT : 0), options.mode);
  return fileAppender(handle, direct, durable, Math.max(1, Math.min(stagingBytes, expectedBytes ?? stagingBytes)));
}

function fileAppender(handle: FileHandle, direct: boolean, durable: boolean, capacity: number): FileAppender {
  // Every buffer this file took (a direct one goes back to the pool at close), and those not in use.
  const owned: Buffer[] = [];
  const free: Buffer[] = [];
  const inFlight = new Set<Promise<void>>();
  let closed = false;
  let current: Buffer | undefined;
  let used = 0;
  let position = 0;
  let padded = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  let syncing: Promise<void> | undefined;
  let unsynced = 0;

  function fail(error: unknown): void {
    failure ??= error;
  }

  // After close, no write may start: its buffer may be back in the pool.
  function ensureOpen(): void {
    if (closed) throw new GovcError('internal', 'the file appender is closed');
  }

  async function writeAll(buffer: Buffer, length: number, at: number): Promise<void> {
    // A short write is legal; each pass writes at least one byte or throws.
    for (let done = 0; done < length;) {
      const { bytesWritten } = await handle.write(buffer, done, length - done, at + done);
      if (bytesWritten <= 0) throw new GovcError('internal', 'the file system wrote nothing');
      done += bytesWritten;
    }
  }

  function written(buffer: Buffer, length: number): void {
    free.push(buffer);
    unsynced += length;
    if (durable && !direct && unsynced >= writebackBytes && syncing === undefined) {
      unsynced = 0;
      syncing = handle.datasync().then(() => (syncing = undefined), fail);
    }
  }

  function flush(): void {
    if (current === undefined || used === 0) return;
    const buffer = current;
    let length = used;
    if (direct && length % directAlignment !== 0) {
      // Only the last buffer can be partial: pad it to the block, and truncate the file after.
      length = Math.ceil(length / directAlignment) * directAlignment;
      buffer.fill(0, used, length);
      padded = true;
    }
    const write = writeAll(buffer, length, position).then(() => written(buffer, length), fail);
    inFlight.add(write);
    void write.finally(function released() {
      inFlight.delete(write);
      const resume = wake;
      wake = undefined;
      resume?.();
    });
    position += used;
    current = undefined;
    used = 0;
  }

  /** A new buffer, or `undefined` when the pool's cap leaves this file only those it has. */
  function allocate(): Buffer | undefined {
    // A direct one is of the pool's size, `stagingBytes`: a file written directly is never smaller.
    if (!direct) return Buffer.allocUnsafe(capacity);
    return owned.length === 0 ? directBuffers.take() : directBuffers.takeSpare();
  }

  async function acquire(): Promise<Buffer> {
    ensureOpen();
    const fresh = free.length === 0 && owned.length < stagingBuffers ? allocate() : undefined;
    if (fresh !== undefined) {
      owned.push(fresh);
      return fresh;
    }
    // Every buffer is in flight: each wait ends when one of them is written (or fails).
    while (free.length === 0 && failure === undefined && !closed) await new Promise<void>((resolve) => (wake = resolve));
    if (failure !== undefined) throw failure;
    ensureOpen();
    return free.pop()!;
  }

  return {
    async append(bytes) {
      // Each pass copies at least one byte, flushing the buffer when it fills.
      for (let offset = 0; offset < bytes.length;) {
        if (failure !== undefined) throw failure;
        current ??= await acquire();
        ensureOpen(); // close may have begun while this append waited
        const count = Math.min(bytes.length - offset, current.length - used);
        current.set(count === bytes.length ? bytes : bytes.subarray(offset, offset + count), used);
        used += count;
        offset += count;
        if (used === current.length) flush();
      }
    },
    async finish() {
      ensureOpen();
      flush();
      await Promise.all(inFlight);
      await syncing;
      if (failure !== undefined) throw failure;
      if (padded) await handle.truncate(position);
      if (durable) await handle.sync();
    },
    async close() {
      closed = true;
      await Promise.allSettled([...inFlight, syncing]);
      try {
        await handle.close();
      } finally {
        // No write uses them any more, and a later append throws before touching one.
        if (direct) for (const buffer of owned.splice(0)) directBuffers.give(buffer);
      }
    },
  };
}
