import {
  BatchOperationsRequest,
  Empty,
  RepoRequest,
  checkMessage,
  govcMethods,
  type AnyMethod,
  type HandlerContext,
  type Repository,
  type ServiceHandler,
} from '@govc/core';
import type { IdempotencyOptions, IdempotencyStats } from './idempotency/idempotency-memory.js';
import { batchOperations, maxBatchOps } from './methods/batch-operations.js';
import { repoOps } from './methods/repo-ops.js';
import { downloadBlob, uploadBlob, watchRefs } from './methods/stream-methods.js';
import { ServiceState } from './service-state.js';
import { createMemoryStore } from './store/memory-store.js';
import type { Storage } from './store/storage.js';
import { checkRepoName } from './validation/repo-name.js';
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
  if (value === undefined) return maxBatchOps;
  if (!Number.isSafeInteger(value) || value < 1 || value > maxBatchOps) throw new RangeError(`maxBatchOps must be a whole number from 1 to ${maxBatchOps}, got ${value}`);
  return value;
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
    watchHistory: options.watchHistory ?? 10_000,
    maxBatchOps: batchBound(options.maxBatchOps),
    now: options.now ?? Date.now,
  });

  /** A unary method acting inside one repository: checked, opened, run once per idempotency key. */
  function repoMethod(method: AnyMethod) {
    const op = repoOps[method.name]!;
    return async function repoUnary(request: unknown, call: HandlerContext): Promise<unknown> {
      checkMessage(method.input, request);
      const { repo } = request as { repo: string };
      const ctx = await state.open(repo, call);
      if (method.idempotent) return op(ctx, request as never, state.now());
      return state.once(call, repo, method.name, request, (durableOutcome) => op({ ...ctx, durableOutcome }, request as never, state.now()));
    };
  }

  const m = govcMethods;
  const handler = {
    async CreateRepository(request: unknown, call: HandlerContext): Promise<Repository> {
      checkMessage(RepoRequest, request);
      checkRepoName(request.repo);
      return state.once(call, request.repo, 'CreateRepository', request, async (durableOutcome) => {
        const record = { name: request.repo, defaultBranch: 'main', createdAt: state.now() };
        const response = { repo: record.name, defaultBranch: record.defaultBranch, createdAt: record.createdAt };
        await state.store.createRepository(record, durableOutcome(response));
        state.drop(record.name); // a repository of the same name may have lived before
        return response;
      });
    },
    GetRepository: repoMethod(m.GetRepository),
    async ListRepositories(request: unknown): Promise<{ repos: Repository[] }> {
      checkMessage(Empty, request);
      const records = await state.store.listRepositories();
      const repos = await Promise.all(
        records.map(async (record) => {
          const head = await state.store.getRef(record.name, `refs/heads/${record.defaultBranch}`);
          const info = { repo: record.name, defaultBranch: record.defaultBranch, createdAt: record.createdAt };
          return head ? { ...info, head } : info;
        }),
      );
      return { repos };
    },
    async DeleteRepository(request: unknown, call: HandlerContext): Promise<Empty> {
      checkMessage(RepoRequest, request);
      checkRepoName(request.repo);
      // A repeat of a delete that succeeded finds its outcome before finding no repository.
      return state.once(call, request.repo, 'DeleteRepository', request, async () => {
        await state.open(request.repo, call);
        await state.store.deleteRepository(request.repo);
        state.drop(request.repo);
        return {};
      });
    },
    StoreBlob: repoMethod(m.StoreBlob),
    GetBlob: repoMethod(m.GetBlob),
    HasObjects: repoMethod(m.HasObjects),
    UploadBlob: (requests: AsyncIterable<unknown>, call: HandlerContext) => uploadBlob(state, requests, call),
    DownloadBlob: (request: unknown, call: HandlerContext) => downloadBlob(state, request, call),
    Commit: repoMethod(m.Commit),
    GetCommit: repoMethod(m.GetCommit),
    ListCommits: repoMethod(m.ListCommits),
    ReadFile: repoMethod(m.ReadFile),
    ListTree: repoMethod(m.ListTree),
    ListRefs: repoMethod(m.ListRefs),
    UpdateRef: repoMethod(m.UpdateRef),
    async BatchOperations(request: unknown, call: HandlerContext) {
      checkMessage(BatchOperationsRequest, request);
      const ctx = await state.open(request.repo, call);
      return state.once(call, request.repo, 'BatchOperations', request, (durableOutcome) => batchOperations(state, { ...ctx, durableOutcome }, request));
    },
    WatchRefs: (request: unknown, call: HandlerContext) => watchRefs(state, request, call),
    async Health(request: unknown) {
      checkMessage(Empty, request);
      return { status: 'SERVING', version: serviceVersion };
    },
  };
  return { ...(handler as unknown as ServiceHandler), store: state.store, idempotencyStats: () => state.idempotency.stats(), close: () => state.close() };
}

