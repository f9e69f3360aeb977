import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { GovcError } from '@govc/core';
import { Packr } from 'msgpackr';
import { isHash } from '../../objects/hash.js';
import { isValidRefName } from '../../validation/ref-name.js';
import type { OutcomeRecord, RefChange } from '../storage.js';
import { firstRefSeq } from '../ref-seq.js';
import { fsyncDirectory, tempPath, writeNewFileSynced } from './durable-file.js';
import { frameHeaderBytes, sealFrame, wholeFrames } from './log-frames.js';
import { refJournalFile, repoTempDirName } from './repository-dir.js';

/** What a repository's journal holds once replayed: every ref, the outcomes still remembered, the change count. */
export interface JournalState {
  readonly refs: Map<string, string>;
  readonly outcomes: Map<string, OutcomeRecord>;
  /** The `seq` of the latest ref change (see `RefChange.seq`). */
  lastSeq: number;
}

/**
 * One journal frame. The first frame of a file is a snapshot (every ref, every live outcome, the
 * latest change's `seq`); each later one is one atomic step: its ref changes in order (`""`
 * deletes), numbered on from the frame before, and the outcomes it made durable. Journals written
 * before change numbers have steps as `set` and `deleted` and snapshots without `lastSeq` (0).
 */
interface Frame {
  readonly snapshot: boolean;
  readonly set: [name: string, hash: string][];
  readonly deleted: string[];
  readonly changes?: [name: string, hash: string][];
  readonly lastSeq?: number;
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
  const { set, deleted, changes = [], lastSeq = 0, outcomes } = frame;
  if (!Array.isArray(set) || !Array.isArray(deleted) || !Array.isArray(changes) || !Array.isArray(outcomes))
    throw malformed(path, 'a frame is malformed');
  if (!Number.isSafeInteger(lastSeq) || lastSeq < 0) throw malformed(path, 'a frame holds a malformed change number');
  for (const entry of set) {
    if (!Array.isArray(entry) || !isValidRefName(entry[0]) || !isHash(entry[1])) throw malformed(path, 'a frame sets a malformed ref');
  }
  for (const entry of changes) {
    if (!Array.isArray(entry) || !isValidRefName(entry[0]) || (entry[1] !== '' && !isHash(entry[1])))
      throw malformed(path, 'a frame changes a malformed ref');
  }
  for (const name of deleted) if (!isValidRefName(name)) throw malformed(path, 'a frame deletes a malformed ref');
  for (const entry of outcomes) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number' || !(entry[2] instanceof Uint8Array)) {
      throw malformed(path, 'a frame holds a malformed outcome');
    }
  }
  return frame as Frame;
}

/** Replays one frame onto `state`; a step's ref changes also go to `changes`, numbered. */
function applyFrame(state: JournalState, frame: Frame, changes?: RefChange[]): void {
  if (frame.snapshot) {
    state.refs.clear();
    state.outcomes.clear();
    state.lastSeq = frame.lastSeq ?? 0;
  }
  const change = (name: string, newHash: string): void => {
    const oldHash = state.refs.get(name) ?? '';
    if (newHash === '') state.refs.delete(name);
    else state.refs.set(name, newHash);
    if (frame.snapshot) return;
    state.lastSeq++;
    changes?.push({ seq: state.lastSeq, name, oldHash, newHash });
  };
  for (const [name, hash] of frame.set) change(name, hash);
  for (const name of frame.deleted) change(name, '');
  for (const [name, hash] of frame.changes ?? []) change(name, hash);
  for (const [id, expiresAt, data] of frame.outcomes) state.outcomes.set(id, { id, expiresAt, data });
}

/** Every whole frame of a journal's bytes, checked (`data_loss` when it does not start with a snapshot), with where it ends. */
function* journalFrames(bytes: Buffer, path: string): Generator<{ frame: Frame; end: number }> {
  let first = true;
  for (const { payload, end } of wholeFrames(bytes)) {
    const frame = checkFrame(packr.unpack(payload), path);
    if (first && !frame.snapshot) throw malformed(path, 'the journal does not start with a snapshot');
    first = false;
    yield { frame, end };
  }
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
    lastSeq: state.lastSeq,
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
  static async open(
    dir: string,
    initialRefs: () => Promise<Map<string, string>>,
    now: number,
  ): Promise<{ journal: RefJournal; state: JournalState }> {
    const path = join(dir, refJournalFile);
    const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    const state: JournalState = { refs: new Map(), outcomes: new Map(), lastSeq: 0 };
    let good = 0;
    // An empty file is what a crash leaves between creating the journal and its first snapshot.
    if (bytes === undefined || bytes.length === 0) {
      for (const [name, hash] of await initialRefs()) state.refs.set(name, hash);
      // A new numbering starts here, above any a watcher may hold (see firstRefSeq).
      state.lastSeq = firstRefSeq(now);
    } else {
      for (const { frame, end } of journalFrames(bytes, path)) {
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
      set: [],
      deleted: [],
      changes: changes.map((c) => [c.name, c.newHash]),
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

  /**
   * The latest `limit` ref changes the journal holds (those since its last snapshot), read back
   * from its file: once per repository and process, when WatchRefs history starts, so that a
   * resume after a restart finds the changes before it. Call it between steps.
   */
  async recentChanges(limit: number): Promise<RefChange[]> {
    const state: JournalState = { refs: new Map(), outcomes: new Map(), lastSeq: 0 };
    let changes: RefChange[] = [];
    for (const { frame } of journalFrames(await readFile(this.#path), this.#path)) {
      if (frame.snapshot) changes = [];
      applyFrame(state, frame, changes);
      if (changes.length > 2 * limit) changes = changes.slice(changes.length - limit);
    }
    return changes.slice(Math.max(0, changes.length - limit));
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}
