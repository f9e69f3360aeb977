import type { GovcError } from '@govc/core';
import { httpStatusOf } from '@govc/core/protocol';
import { retryAfterMsHeader } from '../protocol/wire.js';
import type { Exchange } from './exchange.js';

const encoder = new TextEncoder();

/** Headers that carry an error's pushback, when it has one. */
export function pushbackHeaders(error: GovcError): Record<string, string> {
  if (error.retryAfterMs === undefined) return {};
  return { [retryAfterMsHeader]: String(error.retryAfterMs), 'retry-after': String(Math.ceil(error.retryAfterMs / 1000)) };
}

/** Answers with the error's HTTP status and `{code, message}` as JSON (whatever the request's codec). */
export function respondError(
  exchange: Exchange,
  error: GovcError,
  extraHeaders: Record<string, string> = {},
  status = httpStatusOf[error.code],
): void {
  const body = encoder.encode(JSON.stringify(error.toJSON()));
  exchange.respond(status, {
    'content-type': 'application/json',
    'content-length': body.byteLength,
    ...pushbackHeaders(error),
    ...extraHeaders,
  });
  exchange.end(body);
}
