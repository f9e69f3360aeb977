import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { ServerHttp2Stream } from 'node:http2';
import type { PlainReply } from './plain-reply.js';

/** What a browser page from an allowed origin may send and read. */
const allowedMethods = 'GET, HEAD, POST';
const allowedHeaders =
  'authorization, content-type, content-encoding, accept, accept-encoding, idempotency-key, govc-timeout-ms, range, if-none-match';
const exposedHeaders = 'etag, content-range, content-length, govc-retry-after-ms, retry-after';
/** How long a browser may keep a preflight's answer: 10 minutes. */
const preflightMaxAgeSeconds = 600;

/** The origin of a request from a page the server was told to answer (CORS is opt-in per origin). */
export function allowedOriginOf(headers: IncomingHttpHeaders, allowed: ReadonlySet<string>): string | undefined {
  const origin = headers.origin;
  return typeof origin === 'string' && allowed.has(origin) ? origin : undefined;
}

/** The answer to a CORS preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin. */
export function preflightReply(origin: string): PlainReply {
  return {
    status: 200,
    contentType: 'text/plain; charset=utf-8',
    body: '',
    headers: {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': allowedMethods,
      'access-control-allow-headers': allowedHeaders,
      'access-control-max-age': String(preflightMaxAgeSeconds),
      vary: 'origin',
    },
  };
}

/** Whether a request is a CORS preflight. */
export function isPreflight(method: string, headers: IncomingHttpHeaders): boolean {
  return method === 'OPTIONS' && headers['access-control-request-method'] !== undefined;
}

function corsHeaders(origin: string): Record<string, string> {
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': exposedHeaders, vary: 'origin' };
}

/** Lets the page of `origin` read the HTTP/1.1 response a binding writes next. */
export function allowOriginHttp1(response: ServerResponse, origin: string): void {
  for (const [name, value] of Object.entries(corsHeaders(origin))) response.setHeader(name, value);
}

/**
 * Lets the page of `origin` read the HTTP/2 response a binding writes next: raw streams take
 * their headers in one `respond()` call, so this one stream's `respond` adds them.
 */
export function allowOriginHttp2(stream: ServerHttp2Stream, origin: string): void {
  const respond = stream.respond.bind(stream);
  const extra = corsHeaders(origin);
  stream.respond = function respondWithCors(headers, options) {
    respond({ ...headers, ...extra }, options);
  };
}
