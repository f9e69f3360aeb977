import type { IncomingHttpHeaders } from 'node:http';
import { errorReply, type PlainReply } from './plain-reply.js';

/** The host part of a `Host` / `:authority` value: `[::1]:8080` → `::1`, `localhost:80` → `localhost`. */
function hostnameOf(authority: string): string {
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    return end < 0 ? authority : authority.slice(1, end);
  }
  const colon = authority.indexOf(':');
  return (colon < 0 ? authority : authority.slice(0, colon)).toLowerCase();
}

/** Whether a host name or address names this machine only (`localhost`, `127.x.y.z`, `::1`, `[::1]`). */
export function isLoopbackName(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Whether an `Origin` header is the server's own (same scheme-less authority as the request's
 * `Host`), is listed in `allowed`, or is absent (not a browser's cross-origin call). A page of
 * another local web app (another port) is foreign too. For bindings that take upgrades.
 */
export function isOwnOrAllowedOrigin(origin: string | undefined, authority: string, allowed: ReadonlySet<string>): boolean {
  if (origin === undefined || allowed.has(origin)) return true;
  const match = /^https?:\/\/([^/]+)$/i.exec(origin);
  return match !== null && match[1]!.toLowerCase() === authority.toLowerCase();
}

// What a page can send cross-site without a CORS preflight: HTML forms and `text/plain`.
const simpleContentTypes = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\s*(;|$)/i;

/**
 * What keeps a web page in the user's browser from using a token-less server on this machine.
 * Returns the refusal (`403 permission_denied`) for:
 * - a `Host` (or `:authority`) that is not a loopback name: a DNS-rebinding page reaches
 *   127.0.0.1 under its own host name, and cannot change the `Host` its browser sends;
 * - an `Origin` other than the server's own (unless `allowedOrigins` lists it);
 * - a mutating request with a form or `text/plain` content type: a cross-site "simple" request
 *   that a browser sends without asking first.
 * `undefined` when the request may go on.
 */
export function loopbackRefusal(headers: IncomingHttpHeaders, method: string, allowedOrigins: ReadonlySet<string>): PlainReply | undefined {
  const authority = headers[':authority'] ?? headers.host;
  if (typeof authority !== 'string' || !isLoopbackName(hostnameOf(authority))) {
    return errorReply(
      403,
      'permission_denied',
      `host ${JSON.stringify(String(authority ?? '')).slice(0, 120)} is not this server's own: a server without tokens answers loopback names only`,
    );
  }
  const origin = headers.origin;
  if (!isOwnOrAllowedOrigin(origin, authority, allowedOrigins)) {
    return errorReply(
      403,
      'permission_denied',
      `requests from origin ${JSON.stringify(origin).slice(0, 120)} are refused (allow it with --cors-origin)`,
    );
  }
  const contentType = headers['content-type'];
  if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && contentType !== undefined && simpleContentTypes.test(contentType)) {
    return errorReply(
      403,
      'permission_denied',
      `content type ${JSON.stringify(contentType).slice(0, 80)} is what a cross-site form sends; refused`,
    );
  }
  return undefined;
}
