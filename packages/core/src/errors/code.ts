/**
 * The closed set of error codes, gRPC's set spelled as Connect spells it. Every transport
 * delivers exactly these to the client; nothing else ever reaches a caller.
 */
export const errorCodes = [
  'canceled',
  'unknown',
  'invalid_argument',
  'deadline_exceeded',
  'not_found',
  'already_exists',
  'permission_denied',
  'resource_exhausted',
  'failed_precondition',
  'aborted',
  'out_of_range',
  'unimplemented',
  'internal',
  'unavailable',
  'data_loss',
  'unauthenticated',
] as const;

/** One of the closed set of error codes. */
export type ErrorCode = (typeof errorCodes)[number];

const codeSet: ReadonlySet<string> = new Set(errorCodes);

/** Whether `value` names a code of the closed set. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && codeSet.has(value);
}

/** gRPC's numeric status for each code (the gRPC binding and the proto use these). */
export const grpcStatusOf: Readonly<Record<ErrorCode, number>> = {
  canceled: 1,
  unknown: 2,
  invalid_argument: 3,
  deadline_exceeded: 4,
  not_found: 5,
  already_exists: 6,
  permission_denied: 7,
  resource_exhausted: 8,
  failed_precondition: 9,
  aborted: 10,
  out_of_range: 11,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  data_loss: 15,
  unauthenticated: 16,
};
