import { GovcError } from '@govc/core';
import { isHash } from '../objects/hash.js';
import { isValidRefName } from '../validation/ref-name.js';
import type { OpContext } from './op-context.js';

/**
 * Resolves a read's `ref` as SPEC.md orders it: a full ref name, `refs/heads/<ref>`,
 * `refs/tags/<ref>`, then a 40-hex commit hash (`HEAD` names the default branch). Names that
 * are not valid refs are never looked up. `not_found` when nothing matches.
 */
export async function resolveRef(ctx: OpContext, ref: string): Promise<string> {
  if (ref === '' || ref.length > 1024) throw new GovcError('invalid_argument', 'ref must be 1-1024 characters');
  const candidates = ref === 'HEAD' ? [`refs/heads/${ctx.record.defaultBranch}`] : [ref, `refs/heads/${ref}`, `refs/tags/${ref}`];
  for (const name of candidates) {
    if (!isValidRefName(name)) continue;
    const hash = await ctx.refs.get(name);
    if (hash) return hash;
  }
  if (isHash(ref)) {
    const info = await ctx.store.getObjectInfo(ctx.repo, ref);
    if (info) return ref;
  }
  throw new GovcError('not_found', `ref ${JSON.stringify(ref.slice(0, 100))} not found`);
}
