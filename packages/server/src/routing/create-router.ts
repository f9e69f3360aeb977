import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { Duplex } from 'node:stream';
import { GovcError } from '@govc/core';
import { httpStatusOf } from '@govc/core/protocol';
import type { HttpBinding } from '@govc/core/node';
import type { HttpVersion } from '../listener/http-version.js';
import type { CounterSeries } from '../metrics/counter.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { builtinReply, builtinRouteOf, notFoundReply, type BuiltinRoute } from './builtin-routes.js';
import { errorReply, sendHttp1, sendHttp2, type PlainReply } from './plain-reply.js';
import { pathOf, selectBinding } from './select-binding.js';
import { credentialError, type AccessPolicy } from '../auth/access-policy.js';
import { loopbackRefusal } from './loopback-guard.js';
import { allowedOriginOf, allowOriginHttp1, allowOriginHttp2, isPreflight, preflightReply } from './cors.js';

/** Serves each request or stream: built-in routes first, then the bindings, else `404`. */
export interface Router {
  /** Serves one HTTP/1.1 request. */
  http1(request: IncomingMessage, response: ServerResponse): void;
  /** Serves one HTTP/2 stream (raw, not the compatibility API). */
  http2(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void;
  /** Hands an upgrade to the first binding that takes it; `false` when none does. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
}

/** What the router needs. */
export interface RouterOptions {
  readonly bindings: readonly HttpBinding[];
  readonly metrics: ServerMetrics;
  /** See `GovcServerOptions.accessPolicy`. */
  readonly accessPolicy: AccessPolicy | undefined;
  readonly allowedOrigins: ReadonlySet<string>;
  /** Largest HTTP/2 header list, as RFC 9113 counts it (see `GovcServerLimits.maxHeaderBytes`). */
  readonly maxHeaderBytes: number;
  /** Whether the server takes new work (for `/readyz`). */
  readonly ready: () => boolean;
}

const versionName: Readonly<Record<HttpVersion, string>> = { '1.1': 'HTTP/1.1', '2': 'HTTP/2' };

/** A `505` for a request only a binding that cannot serve its HTTP version claims. */
function wrongVersionReply(binding: HttpBinding, http: HttpVersion): PlainReply {
  return errorReply(505, 'unimplemented', `the ${binding.name} binding is not served over ${versionName[http]}`);
}

/** The `500` for a binding that threw instead of answering. */
function bindingFailedReply(binding: HttpBinding, error: unknown): PlainReply {
  const failure = GovcError.from(error, 'internal');
  return errorReply(httpStatusOf[failure.code], failure.code, `${binding.name} binding failed: ${failure.rawMessage}`);
}

/** Creates the router over `bindings`, counting requests and in-flight ones by HTTP version. */
export function createRouter(options: RouterOptions): Router {
  const { bindings, metrics, accessPolicy, allowedOrigins, ready, maxHeaderBytes } = options;
  const headerBytesHit = metrics.limitHits.labels('header_bytes');
  const unauthenticatedCalls = metrics.authFailures.labels('unauthenticated');

  /** The refusal a request meets before any route: loopback safety without tokens, a token for `/metrics` with them. */
  function refusalOf(headers: IncomingHttpHeaders, method: string, builtin: BuiltinRoute | undefined): PlainReply | undefined {
    if (accessPolicy === undefined) return loopbackRefusal(headers, method, allowedOrigins);
    if (builtin === 'metrics' && accessPolicy.authenticate(headerText(headers.authorization)) === undefined) {
      return errorReply(401, 'unauthenticated', '/metrics needs an Authorization: Bearer <token> header', { 'www-authenticate': 'Bearer' });
    }
    return undefined;
  }
  /**
   * With tokens, the `401` a binding's request meets before the binding reads a byte of its
   * body; `authorizeHandler` still checks the token's level in the call's repository.
   */
  function credentialRefusal(binding: HttpBinding, path: string, headers: IncomingHttpHeaders): PlainReply | undefined {
    if (accessPolicy === undefined || binding.isPublic?.(path)) return undefined;
    const authorization = headerText(headers.authorization);
    if (accessPolicy.authenticate(authorization) !== undefined) return undefined;
    unauthenticatedCalls.inc();
    return errorReply(401, 'unauthenticated', credentialError(authorization).rawMessage, { 'www-authenticate': 'Bearer' });
  }
  const inFlight = { '1.1': metrics.requestsInFlight.labels('1.1'), '2': metrics.requestsInFlight.labels('2') };

  // Routes are few (the built-ins, each binding, two errors): each series is looked up once.
  const routeSeries = new Map<string, CounterSeries>();
  function count(http: HttpVersion, route: string): void {
    const key = `${http} ${route}`;
    let series = routeSeries.get(key);
    if (!series) routeSeries.set(key, (series = metrics.httpRequests.labels(http, route)));
    series.inc();
  }

  return {
    http1(request, response) {
      const path = pathOf(request.url ?? '');
      const method = request.method ?? 'GET';
      const gauge = inFlight['1.1'];
      gauge.inc();
      response.once('close', function requestDone() {
        gauge.dec();
      });
      const builtin = builtinRouteOf(path);
      const refusal = refusalOf(request.headers, method, builtin);
      if (refusal) {
        count('1.1', 'refused');
        return sendHttp1(response, refusal);
      }
      const origin = allowedOriginOf(request.headers, allowedOrigins);
      if (origin !== undefined) {
        if (isPreflight(method, request.headers)) {
          count('1.1', 'preflight');
          return sendHttp1(response, preflightReply(origin));
        }
        allowOriginHttp1(response, origin);
      }
      if (builtin) {
        count('1.1', builtin);
        return sendHttp1(response, builtinReply(builtin, method, metrics.registry, ready()));
      }
      const { binding, declinedBy } = selectBinding(bindings, 'serveHttp1', path, request.headers);
      if (!binding) {
        count('1.1', declinedBy ? 'wrong_version' : 'not_found');
        return sendHttp1(response, declinedBy ? wrongVersionReply(declinedBy, '1.1') : notFoundReply(method, path));
      }
      const unauthenticated = credentialRefusal(binding, path, request.headers);
      if (unauthenticated) {
        count('1.1', 'refused');
        return sendHttp1(response, unauthenticated);
      }
      count('1.1', binding.name);
      try {
        binding.serveHttp1!(request, response);
      } catch (error) {
        sendHttp1(response, bindingFailedReply(binding, error));
      }
    },

    http2(stream, headers) {
      const path = pathOf(headers[':path'] ?? '');
      const method = headers[':method'] ?? 'GET';
      // nghttp2 only advertises SETTINGS_MAX_HEADER_LIST_SIZE; the limit is enforced here.
      if (headerListBytes(headers) > maxHeaderBytes) {
        headerBytesHit.inc();
        count('2', 'refused');
        return sendHttp2(
          stream,
          errorReply(431, 'resource_exhausted', `request headers are over the limit of ${maxHeaderBytes} bytes`),
          method === 'HEAD',
        );
      }
      const gauge = inFlight['2'];
      gauge.inc();
      stream.once('close', function streamDone() {
        gauge.dec();
      });
      // An RST_STREAM from the client must not become an uncaught 'error'; bindings add their own listeners.
      stream.on('error', ignore);
      const builtin = builtinRouteOf(path);
      const refusal = refusalOf(headers, method, builtin);
      if (refusal) {
        count('2', 'refused');
        return sendHttp2(stream, refusal, method === 'HEAD');
      }
      const origin = allowedOriginOf(headers, allowedOrigins);
      if (origin !== undefined) {
        if (isPreflight(method, headers)) {
          count('2', 'preflight');
          return sendHttp2(stream, preflightReply(origin), false);
        }
        allowOriginHttp2(stream, origin);
      }
      if (builtin) {
        count('2', builtin);
        return sendHttp2(stream, builtinReply(builtin, method, metrics.registry, ready()), method === 'HEAD');
      }
      const { binding, declinedBy } = selectBinding(bindings, 'serveHttp2', path, headers);
      if (!binding) {
        count('2', declinedBy ? 'wrong_version' : 'not_found');
        return sendHttp2(stream, declinedBy ? wrongVersionReply(declinedBy, '2') : notFoundReply(method, path), method === 'HEAD');
      }
      const unauthenticated = credentialRefusal(binding, path, headers);
      if (unauthenticated) {
        count('2', 'refused');
        return sendHttp2(stream, unauthenticated, method === 'HEAD');
      }
      count('2', binding.name);
      try {
        binding.serveHttp2!(stream, headers);
      } catch (error) {
        sendHttp2(stream, bindingFailedReply(binding, error), method === 'HEAD');
      }
    },

    upgrade(request, socket, head) {
      if (refusalOf(request.headers, request.method ?? 'GET', undefined)) {
        // No binding takes it: the caller answers it as a plain request, which meets the same refusal.
        return false;
      }
      const { binding } = selectBinding(bindings, 'serveUpgrade', pathOf(request.url ?? ''), request.headers);
      if (!binding) return false;
      count('1.1', binding.name);
      try {
        binding.serveUpgrade!(request, socket, head);
      } catch {
        socket.destroy();
      }
      return true;
    },
  };
}

function ignore(): void {}

/** A header list's size as RFC 9113 §6.5.2 counts it: name and value bytes plus 32 per field. */
function headerListBytes(headers: IncomingHttpHeaders): number {
  let bytes = 0;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) bytes += Buffer.byteLength(name) + Buffer.byteLength(one) + 32;
  }
  return bytes;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
