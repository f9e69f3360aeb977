import { GovcError, type HandlerContext } from '@govc/core';
import { IdempotencyMemory, type IdempotencyOptions } from './idempotency/idempotency-memory.js';
import { checkDeadline } from './model/check-progress.js';
import { noDurableOutcome, type DurableOutcome, type OpContext } from './model/op-context.js';
import { directRefView, type RefView } from './refs/ref-view.js';
import type { Storage } from './store/storage.js';
import { KeyedLock } from './util/keyed-lock.js';
import { checkRepoName } from './validation/repo-name.js';
import { RefEventLog } from './watch/ref-event-log.js';

export interface ServiceStateOptions {
  readonly store: Storage;
  readonly idempotency: IdempotencyOptions;
  readonly watchHistory: number;
  readonly maxBatchOps: number;
  readonly now: () => number;
}

// Keys are opaque to us, but a bounded, printable key keeps the memory bounded and logs safe.
const idempotencyKeyPattern = /^[\x21-\x7e]{1,256}$/;

/** A repository's parts that live as long as the service knows it. */
export interface LiveRepository {
  readonly log: RefEventLog;
  readonly refs: RefView;
}

/** The state every method shares: the store, the idempotency memory and each repository's ref events. */
export class ServiceState {
  readonly store: Storage;
  readonly idempotency: IdempotencyMemory;
  readonly now: () => number;
  /** Most ops one batch may carry. */
  readonly maxBatchOps: number;
  readonly #watchHistory: number;
  readonly #repos = new Map<string, Promise<LiveRepository>>();
  readonly #locks = new KeyedLock();
  readonly #exclusive = <T>(key: string, work: () => Promise<T>): Promise<T> => this.#locks.run(key, work);
  /** Per repository: the store's kept outcome records, loaded into the idempotency memory once. */
  readonly #restored = new Map<string, Promise<void>>();

  constructor(options: ServiceStateOptions) {
    this.store = options.store;
    this.idempotency = new IdempotencyMemory(options.idempotency);
    this.now = options.now;
    this.#watchHistory = options.watchHistory;
    this.maxBatchOps = options.maxBatchOps;
  }

  /**
   * The repository's live parts (its event log and its directly-moving refs), made on first use:
   * the log starts from where the store's change numbering stands, with the changes it still has.
   */
  live(repo: string): Promise<LiveRepository> {
    let live = this.#repos.get(repo);
    if (!live) {
      live = this.store.refHistory(repo, this.#watchHistory).then((start) => {
        const log = new RefEventLog({ history: this.#watchHistory, start });
        return { log, refs: directRefView(this.store, repo, (changes) => log.append(changes)) };
      });
      this.#repos.set(repo, live);
      // A failure (the repository went meanwhile) is not kept: the next call asks again.
      const made = live;
      made.catch(() => {
        if (this.#repos.get(repo) === made) this.#repos.delete(repo);
      });
    }
    return live;
  }

  /** Forgets a deleted repository's live parts and ends its watches. */
  drop(repo: string): void {
    void this.#repos.get(repo)?.then(
      (live) => live.log.close(),
      () => undefined,
    );
    this.#repos.delete(repo);
    this.#restored.delete(repo);
  }

  /** Checks the name, finds the repository (`not_found`) and builds the context of one call in it. */
  async open(repo: string, call: HandlerContext): Promise<OpContext> {
    checkCallRepo(repo, call);
    checkDeadline(call);
    const record = await this.store.getRepository(repo);
    if (!record) throw new GovcError('not_found', `repository ${JSON.stringify(repo)} not found`);
    const { refs } = await this.live(repo);
    return { store: this.store, repo, record, refs, call, durableOutcome: noDurableOutcome, exclusive: this.#exclusive };
  }

  /**
   * Runs a mutating call once per idempotency key (when the call carries one). `work` gets the
   * records that keep its outcome durable with its ref move (none without a key).
   */
  once<T>(
    call: HandlerContext,
    repo: string,
    method: string,
    request: unknown,
    work: (durableOutcome: DurableOutcome) => Promise<T>,
  ): Promise<T> {
    const key = call.headers['idempotency-key'];
    if (key === undefined) return work(noDurableOutcome);
    return this.onceByKey(call.caller, repo, method, key, request, work);
  }

  /** Like `once`, with the key given (a batch op's own key). */
  async onceByKey<T>(
    caller: string,
    repo: string,
    method: string,
    key: string,
    request: unknown,
    work: (durableOutcome: DurableOutcome) => Promise<T>,
  ): Promise<T> {
    if (!idempotencyKeyPattern.test(key)) {
      throw new GovcError('invalid_argument', 'idempotency key must be 1-256 printable ASCII characters');
    }
    // A store that ends with the process keeps no outcome records: none are made for it.
    if (!this.store.durable) return this.idempotency.run({ caller, repo, method, key }, request, () => work(noDurableOutcome));
    await this.#restore(repo);
    return this.idempotency.run({ caller, repo, method, key }, request, (recordOutcome) => work((outcome) => [recordOutcome(outcome)]));
  }

  /** Loads what the store kept of the repository's outcomes (after a restart) before its first keyed call. */
  #restore(repo: string): Promise<void> {
    let restored = this.#restored.get(repo);
    if (restored === undefined) {
      restored = this.store.outcomeRecords(repo).then(
        (records) => this.idempotency.restore(records),
        (error: unknown) => {
          this.#restored.delete(repo);
          // No such repository (yet): nothing to restore; the call itself says not_found.
          if (!(error instanceof GovcError && error.code === 'not_found')) throw error;
        },
      );
      this.#restored.set(repo, restored);
    }
    return restored;
  }

  async close(): Promise<void> {
    for (const repo of [...this.#repos.keys()]) this.drop(repo);
    await this.store.close();
  }
}

/** Checks a call's repository name and, once it passed, notes it for the call's log line. */
export function checkCallRepo(repo: string, call: HandlerContext): void {
  checkRepoName(repo);
  if (call.facts) call.facts.repo = repo;
}
