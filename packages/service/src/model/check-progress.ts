import { GovcError, type HandlerContext } from '@govc/core';

/** Fails a call whose deadline has passed; cheap enough for every call's start. */
export function checkDeadline(call: HandlerContext): void {
  if (call.deadline !== undefined && Date.now() >= call.deadline) throw new GovcError('deadline_exceeded', 'deadline exceeded');
}

/** Stops long work that has outlived its call: past the deadline, or the caller gone. */
export function checkProgress(call: HandlerContext): void {
  checkDeadline(call);
  if (call.signal?.aborted) throw new GovcError('canceled', 'call canceled');
}
