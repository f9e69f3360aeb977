import { createHash } from 'node:crypto';
import { GovcError, type ErrorCode } from '@govc/core';
import { optionValue } from '@govc/core/protocol';
import { Packr } from 'msgpackr';
import type { OutcomeRecord } from '../store/storage.js';

export interface IdempotencyOptions {
  /** How long an outcome is remembered. Default 10 minutes, as SPEC.md says. */
  readonly windowMs?: number;
  /**
   * Bytes the remembered outcomes may take (each entry counted as `entryBytes` says); past it the
   * oldest are forgotten first, and those still inside their window count in `evictedEarly`.
   * Default 64 MiB: the whole 10-minute window up to about 200 keyed calls a second (a Commit's
   * entry counts 562 bytes, an UpdateRef's 417; see the README), a small part of a server's memory.
   */
  readonly maxBytes?: number;
  /** The clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** What the memory holds, and what it had to forget inside the window. */
export interface IdempotencyStats {
  /** Remembered (or running) calls. */
  readonly entries: number;
  /** Their bytes, as counted against `maxBytes`. */
  readonly bytes: number;
  readonly maxBytes: number;
  /** Outcomes forgotten inside their window to stay within `maxBytes`: a repeat of one runs again. */
  readonly evictedEarly: number;
}

/** The scope of a key: who called, in which repository, which method. */
export interface IdempotencyScope {
  readonly caller: string;
  readonly repo: string;
  readonly method: string;
  readonly key: string;
}

interface Entry {
  readonly id: string;
  readonly fingerprint: string;
  expiresAt: number;
  /** What the entry counts against `maxBytes`. */
  bytes: number;
  /** The first call's outcome while it runs, which repeats await; `undefined` once it settled. */
  running: Promise<unknown> | undefined;
  /** The settled outcome as `hold` keeps it; a failure in its wire form. */
  held: string;
  failed: boolean;
  /** Its neighbours in insertion order. */
  older: Entry | undefined;
  newer: Entry | undefined;
}

// Failures that a retry may cure are not remembered: the repeat runs again.
const transientCodes: ReadonlySet<ErrorCode> = new Set([
  'canceled',
  'deadline_exceeded',
  'unavailable',
  'resource_exhausted',
  'internal',
  'unknown',
]);

const fingerprintPackr = new Packr({ useRecords: false, moreTypes: false });
// Outcomes are replies: plain objects, strings, numbers, byte arrays.
const outcomePackr = new Packr({ useRecords: false, moreTypes: false });

const defaultMaxBytes = 64 * 1024 * 1024;
/**
 * Heap bytes a settled entry takes beyond the characters of its id, fingerprint and held outcome:
 * the Map slot, the entry object, its boxed expiry, the strings' headers. Measured on Node 20
 * (x64) as the heap growth per entry between two --expose-gc collections, over 20,000-260,000
 * keyed calls (header-parsed UUID keys; `{}`, `{hash, size}`, Commit and 1 KiB replies): 295-338.
 */
const entryOverheadBytes = 320;
/** What a running call's entry holds more until it settles (its promise, their reactions), measured likewise: 300. */
const runningOutcomeBytes = 300;

/** The bytes an entry counts: one per character, as V8 keeps latin1 strings (keys and repository names are ASCII). */
function entryBytes(id: string, fingerprint: string, held: string): number {
  return entryOverheadBytes + id.length + fingerprint.length + held.length;
}

/**
 * An outcome packed, as a latin1 string of its bytes: that costs its length and a string header,
 * where a Uint8Array of its own costs 184 bytes more (measured likewise) and msgpackr's own result
 * keeps a shared 8 KiB buffer alive. Replays unpack a copy, as a restored outcome always was.
 */
function hold(outcome: unknown): string {
  return outcomePackr.pack(outcome).toString('latin1');
}

/** An entry not yet linked into the memory's order; every entry has this one shape. */
function newEntry(
  id: string,
  fingerprint: string,
  expiresAt: number,
  bytes: number,
  running: Promise<unknown> | undefined,
  held: string,
): Entry {
  return { id, fingerprint, expiresAt, bytes, running, held, failed: false, older: undefined, newer: undefined };
}

/** A repeat's answer: the running call's promise, or a copy of what it settled with. */
function replay(entry: Entry): Promise<unknown> {
  if (entry.running) return entry.running;
  const outcome: unknown = outcomePackr.unpack(Buffer.from(entry.held, 'latin1'));
  return entry.failed ? Promise.reject(GovcError.fromJSON(outcome)) : Promise.resolve(outcome);
}

/**
 * Makes the durable record of a call's outcome, for the store to keep with the ref move that
 * makes the call's effect (see `Storage.updateRefs`).
 */
export type RecordOutcome = (outcome: unknown) => OutcomeRecord;

function scopeId(scope: IdempotencyScope): string {
  return `${scope.caller}\u0000${scope.repo}\u0000${scope.method}\u0000${scope.key}`;
}

/** The value with every object's keys sorted: the same request decoded from any wire has one form. */
function canonical(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map(canonical);
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const field = (value as Record<string, unknown>)[key];
    if (field !== undefined) sorted[key] = canonical(field);
  }
  return sorted;
}

/** A digest of the request, so that a key reused for a different request is caught. */
function fingerprintOf(request: unknown): string {
  return createHash('sha1')
    .update(fingerprintPackr.pack(canonical(request)))
    .digest('hex');
}

/**
 * Remembers the outcome of mutating calls by idempotency key, for a bounded window and bytes.
 * A repeat with the same key and request gets the remembered outcome without running again; a
 * repeat while the first is still running waits for it; the same key with a different request
 * is `invalid_argument`.
 */
export class IdempotencyMemory {
  readonly #windowMs: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  // Insertion order, as a list through the entries: eviction takes the oldest without a scan
  // (walking the Map from its start skips every tombstone its deletes left: 20 µs a call at 10,000).
  #oldest: Entry | undefined;
  #newest: Entry | undefined;
  #bytes = 0;
  #evictedEarly = 0;

  constructor(options: IdempotencyOptions = {}) {
    this.#windowMs = optionValue('idempotency.windowMs', options.windowMs, 10 * 60_000, { min: 0 });
    this.#maxBytes = optionValue('idempotency.maxBytes', options.maxBytes, defaultMaxBytes, { min: 1, integer: true });
    this.#now = options.now ?? Date.now;
  }

  /** Number of remembered (or running) calls. */
  get size(): number {
    return this.#entries.size;
  }

  /** What the memory holds now, and how many outcomes it forgot inside their window. */
  stats(): IdempotencyStats {
    return { entries: this.#entries.size, bytes: this.#bytes, maxBytes: this.#maxBytes, evictedEarly: this.#evictedEarly };
  }

  /**
   * Runs `work` once per scoped key and request; repeats share its outcome. `work` gets the way to
   * make its outcome durable: a durable store keeps that record with the call's ref move, and
   * `restore` brings it back after a restart.
   */
  run<T>(scope: IdempotencyScope, request: unknown, work: (recordOutcome: RecordOutcome) => Promise<T>): Promise<T> {
    const id = scopeId(scope);
    const fingerprint = fingerprintOf(request);
    const now = this.#now();
    const existing = this.#entries.get(id);
    if (existing && existing.expiresAt > now) {
      if (existing.fingerprint !== fingerprint) {
        return Promise.reject(new GovcError('invalid_argument', 'idempotency key was already used for a different request'));
      }
      return replay(existing) as Promise<T>;
    }
    if (existing) this.#delete(existing);
    const recordOutcome: RecordOutcome = (value) => ({
      id,
      expiresAt: this.#now() + this.#windowMs,
      data: outcomePackr.pack({ fingerprint, outcome: value }),
    });
    const outcome = work(recordOutcome);
    const bytes = entryBytes(id, fingerprint, '') + runningOutcomeBytes;
    const entry = newEntry(id, fingerprint, Number.POSITIVE_INFINITY, bytes, outcome, '');
    this.#add(entry, now);
    outcome.then(
      (value) => this.#settle(entry, value, false),
      (error: unknown) => {
        if (error instanceof GovcError && !transientCodes.has(error.code)) this.#settle(entry, error.toJSON(), true);
        else if (this.#entries.get(id) === entry) this.#delete(entry);
      },
    );
    return outcome;
  }

  /** Forgets the call under `scope` (an atomic batch that did not commit must not be remembered). */
  forget(scope: IdempotencyScope): void {
    const entry = this.#entries.get(scopeId(scope));
    if (entry) this.#delete(entry);
  }

  /**
   * Remembers outcomes a durable store kept (after a restart). Calls remembered here already, or
   * running, win: they are newer. Expired or unreadable records are skipped.
   */
  restore(records: readonly OutcomeRecord[]): void {
    const now = this.#now();
    for (const record of records) {
      if (record.expiresAt <= now || this.#entries.has(record.id)) continue;
      let decoded: { fingerprint?: unknown; outcome?: unknown };
      try {
        decoded = outcomePackr.unpack(record.data) as typeof decoded;
      } catch {
        continue; // a record we cannot read protects nothing; the retry runs again
      }
      const { fingerprint } = decoded;
      if (typeof fingerprint !== 'string') continue;
      const held = hold(decoded.outcome);
      this.#add(newEntry(record.id, fingerprint, record.expiresAt, entryBytes(record.id, fingerprint, held), undefined, held), now);
    }
  }

  /** Keeps what the call settled with, unless its entry is gone (forgotten, or evicted while it ran). */
  #settle(entry: Entry, outcome: unknown, failed: boolean): void {
    if (this.#entries.get(entry.id) !== entry) return;
    let held: string;
    try {
      held = hold(outcome);
    } catch {
      return this.#delete(entry); // an outcome that cannot be packed is not remembered: a retry runs again
    }
    const now = this.#now();
    const bytes = entryBytes(entry.id, entry.fingerprint, held);
    this.#bytes += bytes - entry.bytes;
    entry.bytes = bytes;
    entry.expiresAt = now + this.#windowMs;
    entry.held = held;
    entry.failed = failed;
    entry.running = undefined;
    this.#fit(entry, now);
  }

  #add(entry: Entry, now: number): void {
    this.#entries.set(entry.id, entry);
    entry.older = this.#newest;
    if (this.#newest) this.#newest.newer = entry;
    else this.#oldest = entry;
    this.#newest = entry;
    this.#bytes += entry.bytes;
    this.#fit(entry, now);
  }

  #delete(entry: Entry): void {
    this.#entries.delete(entry.id);
    if (entry.older) entry.older.newer = entry.newer;
    else this.#oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else this.#newest = entry.older;
    entry.older = entry.newer = undefined;
    this.#bytes -= entry.bytes;
  }

  /** Brings the bytes back within budget after `entry` came or grew. */
  #fit(entry: Entry, now: number): void {
    // One outcome past the whole budget would push out every other and then itself: it goes alone.
    if (entry.bytes > this.#maxBytes) this.#evict(entry, now);
    else this.#evictOldest(now);
  }

  #evict(entry: Entry, now: number): void {
    if (entry.expiresAt > now) this.#evictedEarly++;
    this.#delete(entry);
  }

  /** Drops the expired entries at the front, then the oldest until the entries fit in `maxBytes`. */
  #evictOldest(now: number): void {
    for (let entry = this.#oldest; entry && (this.#bytes > this.#maxBytes || entry.expiresAt <= now);) {
      const newer = entry.newer;
      // A running call stays, so that its repeat waits rather than runs too, up to twice the budget.
      if (!entry.running || this.#bytes > this.#maxBytes * 2) this.#evict(entry, now);
      entry = newer;
    }
  }
}
