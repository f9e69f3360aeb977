import type { ErrorCode } from './code.js';

/** The HTTP status for each code, exactly as the Connect protocol maps them. */
export const httpStatusOf: Readonly<Record<ErrorCode, number>> = {
  canceled: 499,
  unknown: 500,
  invalid_argument: 400,
  deadline_exceeded: 504,
  not_found: 404,
  already_exists: 409,
  permission_denied: 403,
  resource_exhausted: 429,
  // Connect maps these three to 400 and 409 as well: the status alone cannot tell them apart,
  // which is why every error body carries its code.
  failed_precondition: 400,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  data_loss: 500,
  unauthenticated: 401,
};

/**
 * The code for an HTTP status when a response carries no govc error body (a proxy's page, say);
 * Connect's mapping for statuses it did not produce itself.
 */
export function codeFromHttpStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'invalid_argument';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'permission_denied';
    case 404:
      return 'unimplemented';
    case 408:
      return 'deadline_exceeded';
    case 409:
      return 'aborted';
    case 412:
      return 'failed_precondition';
    case 413:
      return 'resource_exhausted';
    case 415:
      return 'internal';
    case 429:
    case 502:
    case 503:
    case 504:
      return 'unavailable';
    case 499:
      return 'canceled';
    case 501:
      return 'unimplemented';
    default:
      return 'unknown';
  }
}
