import {
  BatchOperationsRequest,
  Empty,
  govcMethods,
  type AnyMethod,
  type GovcMethods,
  type HandlerContext,
  type InputOf,
  type OutputOf,
  type ServiceHandler,
} from '@govc/core';
import { checkMessage, optionValue } from '@govc/core/protocol';
import type { IdempotencyOptions, IdempotencyStats } from './idempotency/idempotency-memory.js';
import { batchOperations, maxBatchOps } from './methods/batch-operations.js';
import { repoOps, type RepoOpName, type RepoOpOf } from './methods/repo-ops.js';
import { createRepository, deleteRepository, listRepositories } from './methods/repository-methods.js';
import { downloadBlob, uploadBlob, watchRefs } from './methods/stream-methods.js';
import { ServiceState } from './service-state.js';
import { createMemoryStore } from './store/memory-store.js';
import type { Storage } from './store/storage.js';
import { serviceVersion } from './version.js';

export interface GovcServiceOptions {
  /** Where repositories live. Default: a new in-memory store with its default limit. */
  readonly store?: Storage;
  /** Idempotency memory bounds. Default: 10 minutes, 64 MiB of outcomes. */
  readonly idempotency?: IdempotencyOptions;
  /** Ref events kept per repository for WatchRefs resumes. Default 10,000. */
  readonly watchHistory?: number;
  /**
   * Most ops one BatchOperations may carry; more is `invalid_argument`. Default and most 1,000,
   * as SPEC.md fixes it; lower it to bound what one call can cost.
   */
  readonly maxBatchOps?: number;
  /** The clock for `createdAt` and default commit times. Default `Date.now`. */
  readonly now?: () => number;
}

function batchBound(value: number | undefined): number {
  return optionValue('maxBatchOps', value, maxBatchOps, { min: 1, max: maxBatchOps, integer: true });
}

/** The govc service: a `ServiceHandler` for any transport, plus its store and a way to close it. */
export interface GovcService extends ServiceHandler {
  readonly store: Storage;
  /** What the idempotency memory holds and how many outcomes it forgot inside their window, for metrics. */
  idempotencyStats(): IdempotencyStats;
  close(): Promise<void>;
}

/**
 * Creates the govc service. Every method checks its request against the schema and validates
 * every name, path, ref and hash before touching the store; mutating methods honour the
 * `idempotency-key` header.
 */
export function createGovcService(options: GovcServiceOptions = {}): GovcService {
  const state = new ServiceState({
    store: options.store ?? createMemoryStore(),
    idempotency: options.idempotency ?? {},
    watchHistory: optionValue('watchHistory', options.watchHistory, 10_000, { min: 1, integer: true }),
    maxBatchOps: batchBound(options.maxBatchOps),
    now: options.now ?? Date.now,
  });

  /** A unary method acting inside one repository: checked, opened, run once per idempotency key. */
  function repoMethod<K extends RepoOpName>(name: K): (request: unknown, call: HandlerContext) => Promise<OutputOf<GovcMethods[K]>> {
    const method: AnyMethod = govcMethods[name];
    const op: RepoOpOf<K> = repoOps[name];
    return async function repoUnary(request: unknown, call: HandlerContext): Promise<OutputOf<GovcMethods[K]>> {
      checkMessage(method.input, request);
      // Checked just above against the method's input; the generic `K` keeps TypeScript from seeing it.
      const input = request as InputOf<GovcMethods[K]>;
      const { repo } = request as { repo: string };
      const ctx = await state.open(repo, call);
      if (method.idempotent) return op(ctx, input, state.now());
      return state.once(call, repo, method.name, request, (durableOutcome) => op({ ...ctx, durableOutcome }, input, state.now()));
    };
  }

  // Typed as the interface, so that each method's signature is checked against its schema.
  const handler: ServiceHandler = {
    CreateRepository: (request, call) => createRepository(state, request, call),
    GetRepository: repoMethod('GetRepository'),
    ListRepositories: (request) => listRepositories(state, request),
    DeleteRepository: (request, call) => deleteRepository(state, request, call),
    StoreBlob: repoMethod('StoreBlob'),
    GetBlob: repoMethod('GetBlob'),
    HasObjects: repoMethod('HasObjects'),
    UploadBlob: (requests, call) => uploadBlob(state, requests, call),
    DownloadBlob: (request, call) => downloadBlob(state, request, call),
    Commit: repoMethod('Commit'),
    GetCommit: repoMethod('GetCommit'),
    ListCommits: repoMethod('ListCommits'),
    ReadFile: repoMethod('ReadFile'),
    ListTree: repoMethod('ListTree'),
    ListRefs: repoMethod('ListRefs'),
    UpdateRef: repoMethod('UpdateRef'),
    async BatchOperations(request: unknown, call: HandlerContext) {
      checkMessage(BatchOperationsRequest, request);
      const ctx = await state.open(request.repo, call);
      return state.once(call, request.repo, 'BatchOperations', request, (durableOutcome) =>
        batchOperations(state, { ...ctx, durableOutcome }, request),
      );
    },
    WatchRefs: (request, call) => watchRefs(state, request, call),
    async Health(request: unknown) {
      checkMessage(Empty, request);
      return { status: 'SERVING', version: serviceVersion };
    },
  };
  return { ...handler, store: state.store, idempotencyStats: () => state.idempotency.stats(), close: () => state.close() };
}
