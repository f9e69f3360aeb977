/**
 * Why `govc serve` could not start, in words that name the path or address and the cause: it is
 * printed as it is, without a stack trace, and the process exits 1.
 */
export class StartUpError extends Error {
  override readonly name = 'StartUpError';
}
