import {
  GovcError,
  type BatchOperation,
  type BatchOperationsRequest,
  type BatchOperationsResponse,
  type BatchResult,
  type StoreBlobRequest,
} from '@govc/core';
import { errorFromHandler, findMethod } from '@govc/core/protocol';
import { checkProgress } from '../model/check-progress.js';
import { noDurableOutcome, type DurableOutcome, type OpContext } from '../model/op-context.js';
import { stagedRefView } from '../refs/ref-view.js';
import type { ServiceState } from '../service-state.js';
import { storeBlobs } from './blob-ops.js';
import { repoOpsByName } from './repo-ops.js';

/** Most ops one batch may carry, as SPEC.md fixes it; a server may set a lower bound. */
export const maxBatchOps = 1000;

interface Remembered {
  readonly method: string;
  readonly key: string;
}

/** An op's request with `repo` filled in from the batch; `invalid_argument` if it names another. */
function withRepo(request: unknown, repo: string, index: number): { repo: string } {
  const given = request as { repo?: string };
  if (given.repo === undefined) return { ...given, repo };
  if (given.repo !== repo)
    throw new GovcError('invalid_argument', `operations[${index}].request.repo must be omitted or equal the batch's repo`);
  return given as { repo: string };
}

/** Where the run of StoreBlob ops that starts at `start` ends. */
function storeBlobRunEnd(operations: readonly BatchOperation[], start: number): number {
  let end = start;
  while (end < operations.length && operations[end]!.method === 'StoreBlob') end++;
  return end;
}

/**
 * Runs consecutive StoreBlob ops as one group write: the blobs depend on nothing and move no
 * ref, so storing them together is what running them in order would do, with one store write
 * (and, on a durable store, one sync) for all. Returns `undefined` when the group cannot be
 * written whole (a bad op, a full store), so that the ops run one by one and fail alone.
 */
async function storeBlobRun(ctx: OpContext, operations: readonly BatchOperation[]): Promise<BatchResult[] | undefined> {
  try {
    checkProgress(ctx.call);
    const contents = operations.map((op) => {
      const { repo, content } = op.request as Partial<StoreBlobRequest>;
      if (repo !== undefined && repo !== ctx.repo) throw new GovcError('invalid_argument', 'repo differs from the batch');
      return content!;
    });
    const responses = await storeBlobs(ctx, contents);
    return operations.map((op, i) => ({ id: op.id, method: op.method, ok: true, response: responses[i] }));
  } catch {
    return undefined;
  }
}

/**
 * BatchOperations: runs the ops in order. Without `atomic` each op stands alone. With `atomic`
 * the ops see each other's ref moves, which take effect in one compare-and-swap at the end; if
 * any op fails, it reports its own error, every other op reports `aborted` and no ref moves.
 */
export async function batchOperations(
  state: ServiceState,
  ctx: OpContext,
  request: BatchOperationsRequest,
): Promise<BatchOperationsResponse> {
  if (request.operations.length > state.maxBatchOps) {
    throw new GovcError('invalid_argument', `at most ${state.maxBatchOps} operations per batch, got ${request.operations.length}`, {
      limit: 'batch_ops',
    });
  }
  const staged = request.atomic ? stagedRefView(state.store, ctx.repo) : undefined;
  // An atomic batch's ops run one by one on refs of their own; the final swap catches any race.
  // The batch's own outcome is kept with that swap; an op's only with its own key.
  const opCtx: OpContext = staged
    ? { ...ctx, refs: staged, durableOutcome: noDurableOutcome, exclusive: (_key, work) => work() }
    : { ...ctx, durableOutcome: noDurableOutcome };
  const results: BatchResult[] = [];
  const remembered: Remembered[] = [];
  let failed = -1;
  const now = state.now();
  const { operations } = request;
  for (let index = 0; index < operations.length;) {
    const runEnd = storeBlobRunEnd(operations, index);
    if (runEnd - index > 1) {
      const stored = await storeBlobRun(opCtx, operations.slice(index, runEnd));
      if (stored) {
        results.push(...stored);
        index = runEnd;
        continue;
      }
    }
    const op = operations[index]!;
    try {
      checkProgress(ctx.call);
      const method = findMethod(op.method)!; // checkMessage let only batchable methods through
      const opRequest = withRepo(op.request, ctx.repo, index);
      const run = (durableOutcome: DurableOutcome): Promise<unknown> =>
        repoOpsByName[method.name]!(durableOutcome === noDurableOutcome ? opCtx : { ...opCtx, durableOutcome }, opRequest as never, now);
      let response: unknown;
      if (op.idempotencyKey !== undefined && !method.idempotent) {
        response = await state.onceByKey(ctx.call.caller, ctx.repo, method.name, op.idempotencyKey, opRequest, run);
        remembered.push({ method: method.name, key: op.idempotencyKey });
      } else {
        response = await run(noDurableOutcome);
      }
      results.push({ id: op.id, method: op.method, ok: true, response });
    } catch (error) {
      results.push({ id: op.id, method: op.method, ok: false, error: errorFromHandler(error).toJSON() });
      if (staged) {
        failed = index;
        break;
      }
    }
    index++;
  }
  if (!staged) {
    const outcomes = ctx.durableOutcome({ results });
    // The ops moved their refs one by one, so no single step could carry the batch's outcome: it
    // is kept after them. If that fails, the memory still has it; only a crash now would lose it.
    if (outcomes.length > 0) await state.store.updateRefs(ctx.repo, [], outcomes).catch(() => undefined);
    return { results };
  }
  let abortReason = failed >= 0 ? `batch aborted: operation ${request.operations[failed]!.id} failed` : '';
  if (failed < 0) {
    try {
      const changes = await staged.commit(ctx.durableOutcome({ results }));
      (await state.live(ctx.repo)).log.append(changes);
      return { results };
    } catch (error) {
      abortReason = `batch aborted: ${errorFromHandler(error).rawMessage}`;
    }
  }
  for (const { method, key } of remembered) state.idempotency.forget({ caller: ctx.call.caller, repo: ctx.repo, method, key });
  return {
    results: request.operations.map((op, index): BatchResult =>
      index === failed ? results[index]! : { id: op.id, method: op.method, ok: false, error: { code: 'aborted', message: abortReason } },
    ),
  };
}
