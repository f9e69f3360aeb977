import { createHash } from 'node:crypto';
import { GovcError, type ErrorCode } from '@govc/core';
import { Packr } from 'msgpackr';

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

/** A digest of the request, so that a key reused for a different request is caught. */
function fingerprintOf(request: unknown): string {
  return createHash('sha1').update(fingerprintPackr.pack(request)).digest('hex');
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

  /** Runs `work` once per scoped key and request; repeats share its outcome. */
  run<T>(scope: IdempotencyScope, request: unknown, work: () => Promise<T>): Promise<T> {
    const id = `${scope.caller}\u0000${scope.repo}\u0000${scope.method}\u0000${scope.key}`;
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
    const outcome = work();
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
    this.#entries.delete(`${scope.caller}\u0000${scope.repo}\u0000${scope.method}\u0000${scope.key}`);
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
