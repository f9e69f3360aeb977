import { GovcError } from '../errors/govc-error.js';
import type { Middleware } from './middleware.js';
import { optionValue } from '../options/option-value.js';

/** Options of `deadline`. */
export interface DeadlineOptions {
  /**
   * The time a call without a deadline of its own gets, in ms from when it starts. Required, no
   * default: a good timeout depends on the application, and none at all is what a call has
   * without this middleware. It applies to streams too, so a long-lived `watchRefs` needs a
   * deadline of its own (or a separate client).
   */
  readonly timeoutMs: number;
}

/**
 * Gives every call without a deadline one `timeoutMs` from now (`Date.now()` clock, as
 * `call.deadline`); a call whose deadline has already passed fails `deadline_exceeded` without
 * reaching the rest of the chain. A deadline the call already has is never changed.
 */
export function deadline(options: DeadlineOptions): Middleware {
  const timeoutMs = optionValue('timeoutMs', options.timeoutMs, undefined, { above: 0 });
  return function deadlineMiddleware(next) {
    return function deadlineCall(call) {
      const now = Date.now();
      if (call.deadline === undefined) return next({ ...call, deadline: now + timeoutMs });
      if (call.deadline <= now) return Promise.reject(new GovcError('deadline_exceeded', 'deadline passed before the call started'));
      return next(call);
    };
  };
}
