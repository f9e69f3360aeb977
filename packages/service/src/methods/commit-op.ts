import { GovcError, type CommitRequest, type CommitResponse, type Person } from '@govc/core';
import { applyChanges } from '../model/apply-changes.js';
import type { OpContext } from '../model/op-context.js';
import { readCommit } from '../model/read-objects.js';
import { encodeCommit, normalizeCommitMessage } from '../objects/commit.js';
import { hashObject } from '../objects/hash.js';
import type { Signature } from '../objects/signature.js';
import { checkSignature } from '../validation/signature.js';
import { branchRefName } from '../validation/ref-name.js';
import { checkHash } from '../validation/hash.js';

/** Most file changes one commit may carry. */
export const maxChanges = 10_000;
// A commit that lost the race for its branch is rebuilt on the new head this many times.
const maxRebuilds = 8;

/** A request's person with the defaults filled in, checked so that git would hash it the same. */
function signature(person: Person, field: string, now: number): Signature {
  const { name, email, time = Math.floor(now / 1000), tzOffset = '+0000' } = person;
  return checkSignature({ name, email, time, tzOffset }, field);
}

/**
 * Commit: writes the changed blobs and trees and the commit in one group, then moves the branch
 * with a compare-and-swap. Without `expectedHead` or `parents`, a commit that loses a race for
 * the branch is rebuilt on the new head; with either, the race is the caller's (`aborted`).
 */
export async function commit(ctx: OpContext, request: CommitRequest, now: number): Promise<CommitResponse> {
  const branch = branchRefName(request.branch);
  if (request.message.includes('\0')) throw new GovcError('invalid_argument', 'message must not contain NUL');
  if (request.changes.length > maxChanges) throw new GovcError('invalid_argument', `at most ${maxChanges} changes per commit`);
  const author = signature(request.author, 'author', now);
  const committer = request.committer ? signature(request.committer, 'committer', now) : author;
  const message = normalizeCommitMessage(request.message);
  const pinned = request.expectedHead !== undefined || request.parents !== undefined;
  if (request.expectedHead) checkHash(request.expectedHead, 'expectedHead');
  if (request.parents) {
    request.parents.forEach((parent, i) => checkHash(parent, `parents[${i}]`));
    if (new Set(request.parents).size !== request.parents.length) throw new GovcError('invalid_argument', 'parents repeat a commit');
  }

  // One branch's commits take turns, so each builds on the last instead of racing for the branch.
  return ctx.exclusive(`${ctx.repo}\u0000${branch}`, async () => {
    for (let attempt = 0; ; attempt++) {
      const head = (await ctx.refs.get(branch)) ?? '';
      if (request.expectedHead !== undefined && request.expectedHead !== head) {
        throw new GovcError('aborted', `branch ${branch} is at ${head || '(none)'}, expected ${request.expectedHead || '(none)'}`);
      }
      const parents = request.parents ?? (head ? [head] : []);
      const parentCommits = await Promise.all(parents.map((parent) => readCommit(ctx, parent)));
      const { tree, objects } = await applyChanges(ctx, parentCommits[0]?.tree, request.changes);
      const body = encodeCommit({ tree, parents, author, committer, message });
      const hash = hashObject('commit', body);
      objects.push({ hash, type: 'commit', body });
      await ctx.store.putObjects(ctx.repo, objects);
      try {
        const response = { hash, tree, parents };
        await ctx.refs.update([{ name: branch, newHash: hash, expectedOldHash: head }], ctx.durableOutcome(response));
        return response;
      } catch (error) {
        // Another writer (an UpdateRef, an atomic batch) moved the branch meanwhile.
        if (pinned || attempt >= maxRebuilds || !(error instanceof GovcError) || error.code !== 'aborted') throw error;
      }
    }
  });
}
