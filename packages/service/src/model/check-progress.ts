import { GovcError } from '@govc/core';

/** Stops work that has outlived its call: past the deadline, or the caller gone. */
export function checkProgress(ctx: { readonly deadline: number | undefined; readonly signal: AbortSignal | undefined }): void {
  if (ctx.signal?.aborted) throw new GovcError('canceled', 'call canceled');
  if (ctx.deadline !== undefined && Date.now() >= ctx.deadline) throw new GovcError('deadline_exceeded', 'deadline exceeded');
}
