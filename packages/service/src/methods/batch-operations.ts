import {
  GovcError,
  errorFromHandler,
  findMethod,
  type BatchOperationsRequest,
  type BatchOperationsResponse,
  type BatchResult,
} from '@govc/core';
import { checkProgress } from '../model/check-progress.js';
import type { OpContext } from '../model/op-context.js';
import { stagedRefView } from '../refs/ref-view.js';
import type { ServiceState } from '../service-state.js';
import { repoOps } from './repo-ops.js';

/** Most ops one batch may carry. */
export const maxBatchOps = 1000;

interface Remembered {
  readonly method: string;
  readonly key: string;
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
  if (request.operations.length > maxBatchOps) {
    throw new GovcError('invalid_argument', `at most ${maxBatchOps} operations per batch, got ${request.operations.length}`);
  }
  const staged = request.atomic ? stagedRefView(state.store, ctx.repo) : undefined;
  // An atomic batch's ops run one by one on refs of their own; the final swap catches any race.
  const opCtx: OpContext = staged ? { ...ctx, refs: staged, exclusive: (_key, work) => work() } : ctx;
  const results: BatchResult[] = [];
  const remembered: Remembered[] = [];
  let failed = -1;
  const now = state.now();
  for (const [index, op] of request.operations.entries()) {
    try {
      checkProgress(ctx.call);
      const method = findMethod(op.method)!; // checkMessage let only batchable methods through
      const given = op.request as { repo?: string };
      if (given.repo !== undefined && given.repo !== ctx.repo) {
        throw new GovcError('invalid_argument', `operations[${index}].request.repo must be omitted or equal the batch's repo`);
      }
      const opRequest = given.repo === undefined ? { ...given, repo: ctx.repo } : given;
      const run = (): Promise<unknown> => repoOps[method.name]!(opCtx, opRequest as never, now);
      let response: unknown;
      if (op.idempotencyKey !== undefined && !method.idempotent) {
        response = await state.onceByKey(ctx.call.caller, ctx.repo, method.name, op.idempotencyKey, opRequest, run);
        remembered.push({ method: method.name, key: op.idempotencyKey });
      } else {
        response = await run();
      }
      results.push({ id: op.id, method: op.method, ok: true, response });
    } catch (error) {
      results.push({ id: op.id, method: op.method, ok: false, error: errorFromHandler(error).toJSON() });
      if (staged) {
        failed = index;
        break;
      }
    }
  }
  if (!staged) return { results };
  let abortReason = failed >= 0 ? `batch aborted: operation ${request.operations[failed]!.id} failed` : '';
  if (failed < 0) {
    try {
      state.live(ctx.repo).log.append(await staged.commit());
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
