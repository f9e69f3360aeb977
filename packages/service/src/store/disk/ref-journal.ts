import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { GovcError } from '@govc/core';
import { Packr } from 'msgpackr';
import { isHash } from '../../objects/hash.js';
import { isValidRefName } from '../../validation/ref-name.js';
import type { OutcomeRecord, RefChange } from '../storage.js';
import { fsyncDirectory, tempPath, writeNewFileSynced } from './durable-file.js';
import { frameHeaderBytes, sealFrame, wholeFrames } from './log-frames.js';
import { refJournalFile, repoTempDirName } from './repository-dir.js';

/** What a repository's journal holds once replayed: every ref, and the outcomes still remembered. */
export interface JournalState {
  readonly refs: Map<string, string>;
  readonly outcomes: Map<string, OutcomeRecord>;
}

/**
 * One journal frame. The first frame of a file is a snapshot (every ref, every live outcome);
 * each later one is one atomic step: the refs it set, the refs it deleted, the outcomes it made
 * durable.
 */
interface Frame {
  readonly snapshot: boolean;
  readonly set: [name: string, hash: string][];
  readonly deleted: string[];
  readonly outcomes: [id: string, expiresAt: number, data: Uint8Array][];
}

const packr = new Packr({ useRecords: false, moreTypes: false });
/** A journal larger than this is rewritten as one snapshot at the next step. */
const compactAfterBytes = 4 * 1024 * 1024;

function encodeFrame(frame: Frame): Buffer {
  const payload = packr.pack(frame);
  const bytes = Buffer.allocUnsafe(frameHeaderBytes + payload.length);
  payload.copy(bytes, frameHeaderBytes);
  return sealFrame(bytes);
}

function malformed(path: string, what: string): GovcError {
  return new GovcError('data_loss', `${path}: ${what}`);
}

/** Checks a decoded payload's shape; anything else is `data_loss`, never a crash later. */
function checkFrame(value: unknown, path: string): Frame {
  const frame = value as Partial<Frame> | null;
  if (typeof frame !== 'object' || frame === null || typeof frame.snapshot !== 'boolean') throw malformed(path, 'a frame is malformed');
  const { set, deleted, outcomes } = frame;
  if (!Array.isArray(set) || !Array.isArray(deleted) || !Array.isArray(outcomes)) throw malformed(path, 'a frame is malformed');
  for (const entry of set) {
    if (!Array.isArray(entry) || !isValidRefName(entry[0]) || !isHash(entry[1])) throw malformed(path, 'a frame sets a malformed ref');
  }
  for (const name of deleted) if (!isValidRefName(name)) throw malformed(path, 'a frame deletes a malformed ref');
  for (const entry of outcomes) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number' || !(entry[2] instanceof Uint8Array)) {
      throw malformed(path, 'a frame holds a malformed outcome');
    }
  }
  return frame as Frame;
}

function applyFrame(state: JournalState, frame: Frame): void {
  if (frame.snapshot) {
    state.refs.clear();
    state.outcomes.clear();
  }
  for (const [name, hash] of frame.set) state.refs.set(name, hash);
  for (const name of frame.deleted) state.refs.delete(name);
  for (const [id, expiresAt, data] of frame.outcomes) state.outcomes.set(id, { id, expiresAt, data });
}

/** The bytes of a journal holding only a snapshot of `state`: a new repository's first journal. */
export function journalSnapshot(state: JournalState, now: number): Buffer {
  return encodeFrame(snapshotFrame(state, now));
}

function snapshotFrame(state: JournalState, now: number): Frame {
  return {
    snapshot: true,
    set: [...state.refs],
    deleted: [],
    outcomes: [...state.outcomes.values()].filter((o) => o.expiresAt > now).map((o) => [o.id, o.expiresAt, o.data]),
  };
}

/**
 * A repository's ref journal: the durable truth of its refs and of the outcomes that guard them.
 * Each ref step is one frame (see log-frames.ts) appended and fdatasynced — one sync, and atomic
 * however many refs and outcomes it carries, because replay drops a torn tail. `packed-refs`, which git reads, is
 * rewritten from the journal after each step; it may lag after a crash, and start-up rewrites it.
 */
export class RefJournal {
  readonly #path: string;
  readonly #dir: string;
  #handle: FileHandle;
  #size: number;

  private constructor(dir: string, handle: FileHandle, size: number) {
    this.#dir = dir;
    this.#path = join(dir, refJournalFile);
    this.#handle = handle;
    this.#size = size;
  }

  /**
   * Replays `<dir>/govc-refs.journal` (a torn tail is cut off). Without a journal — a repository
   * made before journals, or one just created — the state starts from `initialRefs` and is
   * written as the first snapshot.
   */
  static async open(dir: string, initialRefs: () => Promise<Map<string, string>>, now: number): Promise<{ journal: RefJournal; state: JournalState }> {
    const path = join(dir, refJournalFile);
    const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    const state: JournalState = { refs: new Map(), outcomes: new Map() };
    let good = 0;
    // An empty file is what a crash leaves between creating the journal and its first snapshot.
    if (bytes === undefined || bytes.length === 0) {
      for (const [name, hash] of await initialRefs()) state.refs.set(name, hash);
    } else {
      for (const { payload, end } of wholeFrames(bytes)) {
        const frame = checkFrame(packr.unpack(payload), path);
        if (good === 0 && !frame.snapshot) throw malformed(path, 'the journal does not start with a snapshot');
        applyFrame(state, frame);
        good = end;
      }
      if (good === 0) throw malformed(path, 'the first snapshot is unreadable');
    }
    if (good === 0) {
      // No journal yet, or nothing whole in it: start one from the state, durably.
      const journal = new RefJournal(dir, await open(path, 'a'), 0);
      await journal.#rewrite(state, now);
      return { journal, state };
    }
    const handle = await open(path, 'r+');
    if (good < bytes!.length) {
      await handle.truncate(good);
      await handle.datasync();
    }
    await handle.close();
    return { journal: new RefJournal(dir, await open(path, 'a'), good), state };
  }

  /**
   * Makes one ref step durable: `changes` (as applied to the state the caller holds) and the
   * outcomes guarding it, in one frame and one fdatasync. When the journal has grown large it is
   * rewritten instead as one snapshot of `after()`, the state after the step.
   */
  async append(changes: readonly RefChange[], outcomes: readonly OutcomeRecord[], after: () => JournalState, now: number): Promise<void> {
    if (this.#size >= compactAfterBytes) {
      await this.#rewrite(after(), now);
      return;
    }
    const frame = encodeFrame({
      snapshot: false,
      set: changes.filter((c) => c.newHash !== '').map((c) => [c.name, c.newHash]),
      deleted: changes.filter((c) => c.newHash === '').map((c) => c.name),
      outcomes: outcomes.map((o) => [o.id, o.expiresAt, o.data]),
    });
    try {
      await this.#handle.write(frame);
      await this.#handle.datasync();
    } catch (error) {
      // A half-written frame would end the journal early at replay: cut it off now.
      await this.#handle.truncate(this.#size).catch(() => undefined);
      throw error;
    }
    this.#size += frame.length;
  }

  /** Replaces the journal with one snapshot of `state` (expired outcomes dropped): temp file, fsync, rename, directory fsync. */
  async #rewrite(state: JournalState, now: number): Promise<void> {
    const frame = journalSnapshot(state, now);
    const temp = tempPath(join(this.#dir, repoTempDirName), refJournalFile);
    await writeNewFileSynced(temp, frame, 0o644);
    await rename(temp, this.#path);
    await fsyncDirectory(this.#dir);
    await this.#handle.close();
    this.#handle = await open(this.#path, 'a');
    this.#size = frame.length;
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}
