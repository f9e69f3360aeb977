import { GovcError, type Empty, type ListRefsRequest, type ListRefsResponse, type UpdateRefRequest } from '@govc/core';
import type { OpContext } from '../model/op-context.js';
import { checkHash } from '../validation/hash.js';
import { checkRefName } from '../validation/ref-name.js';

/** ListRefs: every ref whose name starts with `prefix`, sorted by name. */
export async function listRefs(ctx: OpContext, request: ListRefsRequest): Promise<ListRefsResponse> {
  return { refs: await ctx.refs.list(request.prefix ?? '') };
}

/**
 * UpdateRef: compare-and-swap of one ref. The new target must exist, and a branch must point at
 * a commit, so that no ref ever names an incomplete history.
 */
export async function updateRef(ctx: OpContext, request: UpdateRefRequest): Promise<Empty> {
  checkRefName(request.name);
  if (request.expectedOldHash !== '') checkHash(request.expectedOldHash, 'expectedOldHash');
  if (request.newHash !== '') {
    checkHash(request.newHash, 'newHash');
    const info = await ctx.store.getObjectInfo(ctx.repo, request.newHash);
    if (!info) throw new GovcError('not_found', `object ${request.newHash} not found`);
    if (request.name.startsWith('refs/heads/') && info.type !== 'commit') {
      throw new GovcError('invalid_argument', `a branch must point at a commit; ${request.newHash} is a ${info.type}`);
    }
  }
  await ctx.refs.update(
    [{ name: request.name, newHash: request.newHash, expectedOldHash: request.expectedOldHash }],
    ctx.durableOutcome({}),
  );
  return {};
}
