import { GovcError, type CallHeaders, type HandlerContext } from '@govc/core';
import { headerValue } from '@govc/core/node';
import { CallScope, noHeaders } from '@govc/core/protocol';
import type { IncomingHttpHeaders } from 'node:http';
import { parseTimeout, timeoutHeader } from '../protocol/wire.js';
import type { Exchange } from './exchange.js';

/** Request headers as call headers: lower-case names, one string each, no HTTP/2 pseudo-headers. */
export function callHeaders(headers: IncomingHttpHeaders): CallHeaders {
  let out: Record<string, string> | undefined;
  for (const name in headers) {
    if (name.startsWith(':')) continue;
    const value = headers[name];
    if (value === undefined) continue;
    out ??= {};
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out ?? noHeaders;
}

/**
 * The handler's view of a call arriving over HTTP, and the scope that ends it early: at the
 * deadline the `govc-timeout-ms` header sets, or when the client goes away. The scope's
 * AbortController is made only if the handler reads `signal`.
 */
export function openHandlerContext(exchange: Exchange): { context: HandlerContext; scope: CallScope } {
  const timeout = parseTimeout(headerValue(exchange.headers, timeoutHeader));
  const deadline = timeout === undefined ? undefined : Date.now() + timeout;
  const scope = new CallScope(undefined, deadline);
  exchange.onAbort(() => scope.end(new GovcError('canceled', 'the client went away')));
  const headers = callHeaders(exchange.headers);
  const context: HandlerContext = {
    get signal() {
      return scope.signal;
    },
    deadline,
    headers,
    caller: '',
    facts: exchange.facts,
  };
  return { context, scope };
}
