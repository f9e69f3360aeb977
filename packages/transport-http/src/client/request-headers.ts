import type { CallOptions } from '@govc/core';
import { timeoutHeader } from '../protocol/wire.js';
import type { CallLimit } from './call-limit.js';
import type { ResolvedHttpTransportOptions } from './http-transport-options.js';

/**
 * A call's request headers (README "Request headers"): the caller's own (`authorization`,
 * `idempotency-key`, …), then `content-type`, `accept-encoding: gzip` when compression is on, and
 * `govc-timeout-ms` when the call has a deadline. Ours win over a caller's header of the same name.
 */
export function requestHeaders(
  contentType: string,
  options: ResolvedHttpTransportOptions,
  call: CallOptions | undefined,
  limit: CallLimit | undefined,
): Record<string, string> {
  const headers: Record<string, string> = call?.headers ? { ...call.headers } : {};
  headers['content-type'] = contentType;
  if (options.compression) headers['accept-encoding'] = options.compression.name;
  const timeout = limit?.timeoutHeader();
  if (timeout !== undefined) headers[timeoutHeader] = timeout;
  return headers;
}
