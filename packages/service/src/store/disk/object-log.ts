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
  /**
   * Most bytes the log may hold unpacked (its frames stay in memory until packed): past it a
   * write waits for a seal, and fails `resource_exhausted` if that fails. Default 8 × `sealBytes`,
   * at least 64 MiB.
   */
  readonly maxUnsealedBytes?: number;
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
  readonly #maxUnsealedBytes: number;
  readonly #quietMs: number;
  readonly #onSealed: () => void;
  #current: Segment | undefined;
  /** Files given up for writing (a write failed, or a seal failed) whose whole frames still wait to be packed. */
  #unsealed: Segment[] = [];
  #sealing: Promise<void> = Promise.resolve();
  /** The seal waiting for the running one, which calls made now join. */
  #nextSeal: Promise<void> | undefined;
  #quiet: NodeJS.Timeout | undefined;
  /** Set while the log takes no more writes or seals (its repository is being deleted, the store closed): what they fail with. */
  #stopped: GovcError | undefined;

  private constructor(dir: string, objectDirs: ObjectDirs, packed: PackedObjects, options: ObjectLogOptions, onSealed: () => void) {
    this.#dir = dir;
    this.#objectDirs = objectDirs;
    this.#packed = packed;
    this.#sealBytes = options.sealBytes ?? 8 * 1024 * 1024;
    this.#maxUnsealedBytes = options.maxUnsealedBytes ?? Math.max(8 * this.#sealBytes, 64 * 1024 * 1024);
    this.#quietMs = options.quietMs ?? 200;
    this.#onSealed = onSealed;
  }

  /**
   * Opens the log of the repository at `repoDir`, first packing (durably) what its files hold —
   * frames up to the first torn one in each — and removing them. `onSealed` hears of each pack
   * a seal writes.
   */
  static async open(
    repoDir: string,
    objectDirs: ObjectDirs,
    packed: PackedObjects,
    options: ObjectLogOptions,
    onSealed: () => void,
  ): Promise<ObjectLog> {
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
    await packFrames(objectDirs, frames, packed);
    if (files.length > 0) {
      for (const file of files) await rm(file, { force: true });
      await fsyncDirectory(dir);
    }
    return new ObjectLog(dir, objectDirs, packed, options, onSealed);
  }

  /**
   * Makes `objects` durable in one frame and readable through `packed`. One call at a time.
   * While the log holds more than `maxUnsealedBytes`, it first waits for a seal, and fails
   * `resource_exhausted` if even that cannot pack them (a full disk).
   */
  async append(objects: readonly NewObject[]): Promise<void> {
    if (this.#stopped) throw this.#stopped;
    if (objects.length === 0) return;
    if (this.#unsealedBytes() >= this.#maxUnsealedBytes) {
      const sealed = await this.seal().then(
        () => undefined,
        (error: unknown) => error,
      );
      if (this.#stopped) throw this.#stopped;
      if (this.#unsealedBytes() >= this.#maxUnsealedBytes) {
        throw new GovcError(
          'resource_exhausted',
          `the object log of ${this.#dir} cannot be packed: ${(sealed as Error | undefined)?.message ?? 'it is full'}`,
          { cause: sealed },
        );
      }
    }
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
      for (let i = 0; i < hashes.length; i++)
        this.#packed.set(hashes[i]!, { pack: segment.path, offset: at + starts[i]!, end: at + starts[i + 1]! });
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
    if (this.#stopped) return Promise.reject(this.#stopped);
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
    if (this.#stopped) throw this.#stopped;
    const segments = this.#unsealed;
    this.#unsealed = [];
    if (this.#current !== undefined) segments.push(this.#current);
    this.#current = undefined;
    if (segments.length === 0) return;
    // A write in flight when the seal began finishes into its file first.
    await Promise.all(segments.map((segment) => segment.lastWrite));
    try {
      if (
        await packFrames(
          this.#objectDirs,
          segments.flatMap((segment) => segment.frames),
          this.#packed,
        )
      )
        this.#onSealed();
    } catch (error) {
      this.#unsealed.unshift(...segments);
      throw error;
    }
    // Packed and durable: the files may go. Readers holding an entry into them retry from
    // `packed`. One that cannot be removed now is packed again, harmlessly, at the next start.
    for (const segment of segments) {
      await segment.handle.then((handle) => handle.close()).catch(() => undefined);
      await rm(segment.path, { force: true }).catch(() => undefined);
    }
    await fsyncDirectory(this.#dir).catch(() => undefined);
  }

  /** Seals what the log holds and closes it. A failed seal leaves the files for start-up to pack. */
  async close(): Promise<void> {
    await this.seal().catch(() => undefined);
    await this.stop(new GovcError('failed_precondition', 'the store is closed'));
    await this.#closeFiles();
  }

  /**
   * Takes no more writes or seals (they fail with `reason`), then waits for those under way:
   * for a repository being deleted. `resume()` undoes it, if the deletion fails.
   */
  async stop(reason: GovcError): Promise<void> {
    this.#stopped = reason;
    clearTimeout(this.#quiet);
    await this.#sealing;
    await Promise.all([...this.#unsealed, ...(this.#current ? [this.#current] : [])].map((segment) => segment.lastWrite));
  }

  resume(): void {
    this.#stopped = undefined;
  }

  /** Stops the log for good and closes its files without sealing: its repository is gone. */
  async abandon(): Promise<void> {
    await this.stop(this.#stopped ?? new GovcError('not_found', 'the repository was deleted'));
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

  #unsealedBytes(): number {
    let bytes = this.#current?.size ?? 0;
    for (const segment of this.#unsealed) bytes += segment.size;
    return bytes;
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

// A pack holds at most this many bytes of logged entries: far under the 2 GiB a pack written
// here may reach, whatever a log held when it was packed.
const maxPackBytes = 1024 * 1024 * 1024;

/** Packs `frames` durably, in packs of at most `maxPackBytes`; whether there was anything to pack. */
async function packFrames(dirs: ObjectDirs, frames: readonly ObjectFrame[], packed: PackedObjects): Promise<boolean> {
  for (let start = 0; start < frames.length;) {
    let end = start + 1;
    for (let bytes = frames[start]!.bytes.length; end < frames.length && bytes + frames[end]!.bytes.length <= maxPackBytes; end++)
      bytes += frames[end]!.bytes.length;
    await writePack(dirs, await packObjectFrames(frames.slice(start, end)), packed);
    start = end;
  }
  return frames.length > 0;
}
