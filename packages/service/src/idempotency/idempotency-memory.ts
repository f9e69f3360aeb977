import { createHash } from 'node:crypto';
import { GovcError, type ErrorCode } from '@govc/core';
import { Packr } from 'msgpackr';
import type { OutcomeRecord } from '../store/storage.js';

export interface IdempotencyOptions {
  /** How long an outcome is remembered. Default 10 minutes, as SPEC.md says. */
  readonly windowMs?: number;
  /** Most outcomes remembered at once; the oldest are forgotten first. Default 10,000: bounded memory. */
  readonly maxEntries?: number;
  /** The clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** The scope of a key: who called, in which repository, which method. */
export interface IdempotencyScope {
  readonly caller: string;
  readonly repo: string;
  readonly method: string;
  readonly key: string;
}

interface Entry {
  readonly fingerprint: string;
  expiresAt: number;
  /** Settles with the first call's outcome; repeats await it. */
  readonly outcome: Promise<unknown>;
}

// Failures that a retry may cure are not remembered: the repeat runs again.
const transientCodes: ReadonlySet<ErrorCode> = new Set(['canceled', 'deadline_exceeded', 'unavailable', 'resource_exhausted', 'internal', 'unknown']);

const fingerprintPackr = new Packr({ useRecords: false, moreTypes: false });
// Outcomes are replies: plain objects, strings, numbers, byte arrays.
const outcomePackr = new Packr({ useRecords: false, moreTypes: false });

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
  return createHash('sha1').update(fingerprintPackr.pack(canonical(request))).digest('hex');
}

/**
 * Remembers the outcome of mutating calls by idempotency key, for a bounded window and count.
 * A repeat with the same key and request gets the remembered outcome without running again; a
 * repeat while the first is still running waits for it; the same key with a different request
 * is `invalid_argument`.
 */
export class IdempotencyMemory {
  readonly #windowMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: IdempotencyOptions = {}) {
    this.#windowMs = options.windowMs ?? 10 * 60_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Number of remembered (or running) calls. */
  get size(): number {
    return this.#entries.size;
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
      return existing.outcome as Promise<T>;
    }
    if (existing) this.#entries.delete(id);
    this.#evict(now);
    const recordOutcome: RecordOutcome = (value) => ({
      id,
      expiresAt: this.#now() + this.#windowMs,
      data: outcomePackr.pack({ fingerprint, outcome: value }),
    });
    const outcome = work(recordOutcome);
    const entry: Entry = { fingerprint, expiresAt: Number.POSITIVE_INFINITY, outcome };
    this.#entries.set(id, entry);
    outcome.then(
      () => {
        entry.expiresAt = this.#now() + this.#windowMs;
      },
      (error: unknown) => {
        if (error instanceof GovcError && !transientCodes.has(error.code)) entry.expiresAt = this.#now() + this.#windowMs;
        else if (this.#entries.get(id) === entry) this.#entries.delete(id);
      },
    );
    return outcome;
  }

  /** Forgets the call under `scope` (an atomic batch that did not commit must not be remembered). */
  forget(scope: IdempotencyScope): void {
    this.#entries.delete(scopeId(scope));
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
      if (typeof decoded.fingerprint !== 'string') continue;
      this.#evict(now);
      this.#entries.set(record.id, { fingerprint: decoded.fingerprint, expiresAt: record.expiresAt, outcome: Promise.resolve(decoded.outcome) });
    }
  }

  #evict(now: number): void {
    // Map keeps insertion order, so the oldest entries come first.
    for (const [id, entry] of this.#entries) {
      if (this.#entries.size < this.#maxEntries && entry.expiresAt > now) break;
      if (entry.expiresAt === Number.POSITIVE_INFINITY && this.#entries.size < this.#maxEntries * 2) continue;
      this.#entries.delete(id);
    }
  }
}
