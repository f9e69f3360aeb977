import { GovcError } from '../errors/govc-error.js';

/** The error of a call whose caller aborted `signal`; the abort reason is kept as `cause`. */
export function canceledBy(signal: AbortSignal): GovcError {
  return new GovcError('canceled', 'call canceled by the caller', { cause: signal.reason });
}
