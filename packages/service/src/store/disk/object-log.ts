import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { GovcError } from '@govc/core';
import type { NewObject } from '../storage.js';
import { fsyncDirectory } from './durable-file.js';
import { wholeFrames } from './log-frames.js';
import type { ObjectDirs } from './loose-object-files.js';
import { writePack, type PackedObjects } from './packed-objects.js';
import { decodeObjectFrame, encodeObjectFrame, packObjectFrames, type ObjectFrame } from './object-frames.js';
import { objectLogDirName } from './repository-dir.js';

/** When the object log is packed; see {@link ObjectLog}. */
export interface ObjectLogOptions {
  /** Pack the log once it holds this many bytes. Default 8 MiB. */
  readonly sealBytes?: number;
  /** …or once no object was logged for this long, ms. Default 200. */
  readonly quietMs?: number;
}

const segmentName = /^objects-[0-9a-f]{16}\.log$/;
// Opened for writes that return once their data is on the device: one thread-pool trip per append.
const appendFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_DSYNC;

/** One log file: frames written at reserved offsets, one write at a time. */
interface Segment {
  readonly path: string;
  readonly handle: Promise<FileHandle>;
  /** Bytes reserved so far: where the next frame goes. */
  size: number;
  /** The frames written whole, for the pack that seals them. */
  readonly frames: ObjectFrame[];
  /** The last write, settled either way. */
  lastWrite: Promise<unknown>;
}

/**
 * A repository's object log: where `putObjects` makes objects durable. A group of objects is one
 * frame (see object-frames.ts) written with O_DSYNC — one write, one sync, no file created and no
 * directory synced — and readable at once through `packed`, which points into the log. Sealing
 * packs what the log holds into one pack + `.idx` (written durably, as any pack) and removes
 * the log files: when the log reaches `sealBytes`, when writes pause for `quietMs`, before a
 * ref step (so that git, which reads only packs and loose files, sees every object a ref names),
 * and at close. Start-up packs what a crash left in the log.
 *
 * Writes are one at a time (the store's group commit calls `append` so); each frame goes at an
 * offset reserved for it, so a failed write leaves a hole only at the end of its file, which is
 * then left for a new one.
 */
export class ObjectLog {
  readonly #dir: string;
  readonly #objectDirs: ObjectDirs;
  readonly #packed: PackedObjects;
  readonly #sealBytes: number;
  readonly #quietMs: number;
  readonly #onSealed: () => void;
  #current: Segment | undefined;
  /** Files given up for writing (a write failed, or a seal failed) whose whole frames still wait to be packed. */
  #unsealed: Segment[] = [];
  #sealing: Promise<void> = Promise.resolve();
  /** The seal waiting for the running one, which calls made now join. */
  #nextSeal: Promise<void> | undefined;
  #quiet: NodeJS.Timeout | undefined;

  private constructor(dir: string, objectDirs: ObjectDirs, packed: PackedObjects, options: ObjectLogOptions, onSealed: () => void) {
    this.#dir = dir;
    this.#objectDirs = objectDirs;
    this.#packed = packed;
    this.#sealBytes = options.sealBytes ?? 8 * 1024 * 1024;
    this.#quietMs = options.quietMs ?? 200;
    this.#onSealed = onSealed;
  }

  /**
   * Opens the log of the repository at `repoDir`, first packing (durably) what its files hold —
   * frames up to the first torn one in each — and removing them. `onSealed` hears of each pack
   * a seal writes.
   */
  static async open(repoDir: string, objectDirs: ObjectDirs, packed: PackedObjects, options: ObjectLogOptions, onSealed: () => void): Promise<ObjectLog> {
    const dir = join(repoDir, objectLogDirName);
    // Repositories made before the log get its directory here, durably.
    if ((await mkdir(dir, { recursive: true })) !== undefined) await fsyncDirectory(repoDir);
    const files = (await readdir(dir)).filter((name) => segmentName.test(name)).map((name) => join(dir, name));
    const frames: ObjectFrame[] = [];
    for (const file of files) {
      const bytes = await readFile(file);
      let at = 0;
      for (const { end } of wholeFrames(bytes)) {
        frames.push(decodeObjectFrame(bytes.subarray(at, end), file));
        at = end;
      }
    }
    if (frames.length > 0) await writePack(objectDirs, packObjectFrames(frames), packed);
    if (files.length > 0) {
      for (const file of files) await rm(file, { force: true });
      await fsyncDirectory(dir);
    }
    return new ObjectLog(dir, objectDirs, packed, options, onSealed);
  }

  /** Makes `objects` durable in one frame and readable through `packed`. One call at a time. */
  async append(objects: readonly NewObject[]): Promise<void> {
    if (objects.length === 0) return;
    const frame = encodeObjectFrame(objects);
    const { bytes, hashes, starts } = frame;
    const segment = (this.#current ??= this.#newSegment());
    const at = segment.size;
    segment.size += bytes.length;
    const logged = (async () => {
      const handle = await segment.handle;
      const { bytesWritten } = await handle.write(bytes, 0, bytes.length, at);
      if (bytesWritten !== bytes.length) throw new GovcError('internal', `${segment.path}: a short write`);
      // Recorded before `lastWrite` settles, so that a seal waiting on it packs them.
      segment.frames.push(frame);
      for (let i = 0; i < hashes.length; i++) this.#packed.set(hashes[i]!, { pack: segment.path, offset: at + starts[i]!, end: at + starts[i + 1]! });
    })();
    segment.lastWrite = logged.catch(() => undefined);
    try {
      await logged;
    } catch (error) {
      // Nothing more goes into this file (its end may be torn); its whole frames still get packed.
      if (this.#current === segment) {
        this.#current = undefined;
        this.#unsealed.push(segment);
      }
      throw error;
    }
    clearTimeout(this.#quiet);
    if (segment.size >= this.#sealBytes) {
      this.seal().catch(() => undefined); // a failed seal is retried by the next one
    } else {
      this.#quiet = setTimeout(() => this.seal().catch(() => undefined), this.#quietMs);
      this.#quiet.unref();
    }
  }

  /**
   * Packs every object logged before this call (durably, with the directory entries naming the
   * pack) and removes the log files it came from. Seals run one at a time; calls made while one
   * runs share the next.
   */
  seal(): Promise<void> {
    if (this.#nextSeal !== undefined) return this.#nextSeal;
    const next = this.#sealing.then(() => {
      this.#nextSeal = undefined;
      return this.#sealNow();
    });
    this.#nextSeal = next;
    this.#sealing = next.catch(() => undefined);
    return next;
  }

  async #sealNow(): Promise<void> {
    clearTimeout(this.#quiet);
    const segments = this.#unsealed;
    this.#unsealed = [];
    if (this.#current !== undefined) segments.push(this.#current);
    this.#current = undefined;
    if (segments.length === 0) return;
    // A write in flight when the seal began finishes into its file first.
    await Promise.all(segments.map((segment) => segment.lastWrite));
    const frames = segments.flatMap((segment) => segment.frames);
    try {
      if (frames.length > 0) {
        await writePack(this.#objectDirs, packObjectFrames(frames), this.#packed);
        this.#onSealed();
      }
    } catch (error) {
      this.#unsealed.unshift(...segments);
      throw error;
    }
    // Packed and durable: the files may go. Readers holding an entry into them retry from `packed`.
    for (const segment of segments) {
      await segment.handle.then((handle) => handle.close()).catch(() => undefined);
      await rm(segment.path, { force: true });
    }
    await fsyncDirectory(this.#dir);
  }

  /** Seals what the log holds and closes it. A failed seal leaves the files for start-up to pack. */
  async close(): Promise<void> {
    await this.seal().catch(() => undefined);
    await this.#closeFiles();
  }

  /** Closes the log without sealing: its repository is being deleted. */
  async abandon(): Promise<void> {
    clearTimeout(this.#quiet);
    await this.#sealing;
    await this.#closeFiles();
  }

  async #closeFiles(): Promise<void> {
    const segments = [...this.#unsealed, ...(this.#current ? [this.#current] : [])];
    this.#unsealed = [];
    this.#current = undefined;
    for (const segment of segments) {
      await segment.lastWrite;
      await segment.handle.then((handle) => handle.close()).catch(() => undefined);
    }
  }

  /** A new log file; its name is durable before any write to it can finish. */
  #newSegment(): Segment {
    const path = join(this.#dir, `objects-${randomBytes(8).toString('hex')}.log`);
    const handle = open(path, appendFlags, 0o644).then(async (opened) => {
      try {
        await fsyncDirectory(this.#dir);
        return opened;
      } catch (error) {
        await opened.close();
        throw error;
      }
    });
    handle.catch(() => undefined); // failures reach the writes that wait on it
    return { path, handle, size: 0, frames: [], lastWrite: Promise.resolve() };
  }
}
