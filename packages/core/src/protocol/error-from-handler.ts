import { GovcError } from '../errors/govc-error.js';

/**
 * What a caller sees of an error a service method threw: a `GovcError` as it is, an abort as
 * `canceled` / `deadline_exceeded`, anything else as `internal` with a generic message (the
 * original stays as `cause` for server logs, never on the wire). Every binding uses this.
 */
export function errorFromHandler(error: unknown): GovcError {
  if (error instanceof GovcError) return error;
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return GovcError.from(error);
  return new GovcError('internal', 'internal error', { cause: error });
}
