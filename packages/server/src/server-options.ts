import type { HttpBinding } from '@govc/core/node';
import { optionValue } from '@govc/core/protocol';
import type { AccessPolicy } from './auth/access-policy.js';
import { createServerMetrics, type ServerMetrics } from './metrics/server-metrics.js';

/** The certificate and key that turn on TLS (PEM). */
export interface GovcServerTlsOptions {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

/** How long the server waits for a client, in milliseconds; `0` turns a timeout off. */
export interface GovcServerTimeouts {
  /**
   * From a connection's accept until its protocol is known: the TLS handshake and the first
   * bytes that tell HTTP/1.1 from HTTP/2. Default 10 s: a client that connects and says nothing
   * holds a socket for no longer than that.
   */
  readonly sniffMs?: number;
  /**
   * To receive an HTTP/1.1 request's complete headers (slowloris). Default 15 s: far more than
   * any honest client needs, short enough that slow-header clients cannot pile up.
   */
  readonly headersMs?: number;
  /**
   * To receive a request completely, body included: HTTP/1.1 answers `408`, an HTTP/2 stream
   * still receiving is reset with CANCEL. Default 300 s (Node's own): long enough for a large
   * streamed upload on a slow link.
   */
  readonly requestMs?: number;
  /**
   * An HTTP/1.1 keep-alive connection between requests, or an HTTP/2 connection with no open
   * stream, is closed after this long. Default 30 s: a pooled client reuses its connections
   * between bursts, yet idle sockets do not accumulate. (HTTP/1.1 advertises it in `Keep-Alive`,
   * in whole seconds, and Node closes 1 s after it so a client never sends into a closing socket.)
   */
  readonly idleMs?: number;
  /**
   * How often HTTP/1.1 connections are checked against `headersMs` and `requestMs`, so the
   * precision of both. Default 1 s (Node's default of 30 s would let a 15 s timeout fire at 45 s).
   */
  readonly checkIntervalMs?: number;
  /**
   * How long `close()` lets in-flight calls finish before it cuts the connections that remain.
   * Default 10 s: below the 30 s most process managers wait between SIGTERM and SIGKILL.
   */
  readonly shutdownMs?: number;
}

/** HTTP/2 settings the server announces. */
export interface GovcServerHttp2Options {
  /**
   * Streams a client may have open at once on one connection. Default 256: well above the 64
   * in flight a busy client runs, yet bounded (Node's default is unlimited).
   */
  readonly maxConcurrentStreams?: number;
  /**
   * Each stream's receive window, bytes. Default 1 MiB (HTTP/2's default is 64 KiB, which
   * throttles a large upload to 64 KiB per round trip).
   */
  readonly initialWindowSize?: number;
  /** The connection's receive window, shared by its streams, bytes. Default 8 MiB, for the same reason. */
  readonly connectionWindowSize?: number;
}

/** What any one client may cost; each limit, when hit, counts in `govc_limit_hits_total{limit}`. */
export interface GovcServerLimits {
  /**
   * Open connections at once; past it a new connection is closed at once (`connections`).
   * Default 4,096: far above what the busiest client pool opens, below a default fd limit.
   */
  readonly maxConnections?: number;
  /**
   * Bytes of one HTTP/1.1 request's header section, or of an HTTP/2 header list; past it the
   * request is refused with `431` (`header_bytes`). Default 16 KiB, Node's own: room for any
   * honest request (a long bearer token included), not for a header flood.
   */
  readonly maxHeaderBytes?: number;
}

/** Options of `createGovcServer`. */
export interface GovcServerOptions {
  /** The TCP port; `0` picks a free one (read it from `listen()`'s result). Default 0. */
  readonly port?: number;
  /** The address to listen on. Default `127.0.0.1`: loopback only, until auth guards the server. */
  readonly host?: string;
  /**
   * Who serves requests: for each request the first binding whose `handles()` is true and that
   * can serve it (an HTTP/1.1 request, an HTTP/2 stream or an upgrade). `/healthz` and `/metrics`
   * come first. Default none (only the built-in routes).
   */
  readonly bindings?: readonly HttpBinding[];
  /** With a certificate, the same port speaks TLS, ALPN choosing h2 or http/1.1. Default none: cleartext. */
  readonly tls?: GovcServerTlsOptions;
  /** Timeouts, each with its own default. */
  readonly timeouts?: GovcServerTimeouts;
  /** HTTP/2 settings, each with its own default. */
  readonly http2?: GovcServerHttp2Options;
  /** Limits per client and per server, each with its own default. */
  readonly limits?: GovcServerLimits;
  /**
   * The delay before TCP keep-alive probes start on an idle socket, ms. Default 60 s: a dead peer
   * is noticed in minutes rather than the kernel's default two hours.
   */
  readonly keepAliveDelayMs?: number;
  /**
   * Where the server counts; hand `metrics.observer` to the bindings. Default a new
   * `createServerMetrics()`, reachable as `server.metrics`.
   */
  readonly metrics?: ServerMetrics;
  /**
   * Hears about errors no request owns (a failed `accept()`, say), which must not crash the
   * process. Default: a process warning on stderr.
   */
  readonly onError?: (error: Error) => void;
  /**
   * Who may call. With a policy, `/metrics` needs a known token, and the bindings' handlers must
   * be wrapped with `authorizeHandler(handler, policy)` (the one place methods are checked).
   * Without one (the default), the server is for this machine only and refuses what a web page
   * in a browser could send it: a foreign `Host` (DNS rebinding), a foreign `Origin`, and form or
   * `text/plain` bodies on mutating requests.
   */
  readonly accessPolicy?: AccessPolicy;
  /**
   * Origins (`https://app.example`) whose browser pages may call: CORS preflights are answered
   * and responses carry `Access-Control-Allow-Origin`; a token-less server's guard lets them in.
   * Default none: CORS is opt-in per origin.
   */
  readonly allowedOrigins?: readonly string[];
}

/** The options with every field set: what the server runs on. */
export interface ResolvedServerOptions {
  readonly port: number;
  readonly host: string;
  readonly bindings: readonly HttpBinding[];
  readonly tls: GovcServerTlsOptions | undefined;
  readonly timeouts: Required<GovcServerTimeouts>;
  readonly http2: Required<GovcServerHttp2Options>;
  readonly limits: Required<GovcServerLimits>;
  readonly keepAliveDelayMs: number;
  readonly metrics: ServerMetrics;
  readonly onError: (error: Error) => void;
  readonly accessPolicy: AccessPolicy | undefined;
  readonly allowedOrigins: ReadonlySet<string>;
}

/** A non-negative integer option, else a `RangeError` naming it (the one check every govc package uses). */
function count(name: string, value: number): number {
  return optionValue(name, value, undefined, { min: 0, integer: true });
}

/** Resolves `options` once, at the boundary: defaults filled in and every number checked. */
export function resolveServerOptions(options: GovcServerOptions): ResolvedServerOptions {
  const t = options.timeouts ?? {};
  const h2 = options.http2 ?? {};
  const port = optionValue('port', options.port, 0, { min: 0, max: 65_535, integer: true });
  const headersMs = count('timeouts.headersMs', t.headersMs ?? 15_000);
  const requestMs = count('timeouts.requestMs', t.requestMs ?? 300_000);
  if (headersMs > 0 && requestMs > 0 && headersMs > requestMs) {
    throw new RangeError(`timeouts.headersMs (${headersMs}) cannot exceed timeouts.requestMs (${requestMs})`);
  }
  return {
    port,
    host: options.host ?? '127.0.0.1',
    bindings: options.bindings ?? [],
    accessPolicy: options.accessPolicy,
    allowedOrigins: new Set(options.allowedOrigins ?? []),
    tls: options.tls,
    timeouts: {
      sniffMs: count('timeouts.sniffMs', t.sniffMs ?? 10_000),
      headersMs,
      requestMs,
      idleMs: count('timeouts.idleMs', t.idleMs ?? 30_000),
      checkIntervalMs: Math.max(1, count('timeouts.checkIntervalMs', t.checkIntervalMs ?? 1_000)),
      shutdownMs: count('timeouts.shutdownMs', t.shutdownMs ?? 10_000),
    },
    http2: {
      maxConcurrentStreams: count('http2.maxConcurrentStreams', h2.maxConcurrentStreams ?? 256),
      initialWindowSize: count('http2.initialWindowSize', h2.initialWindowSize ?? 1024 * 1024),
      connectionWindowSize: count('http2.connectionWindowSize', h2.connectionWindowSize ?? 8 * 1024 * 1024),
    },
    limits: {
      maxConnections: Math.max(1, count('limits.maxConnections', options.limits?.maxConnections ?? 4_096)),
      maxHeaderBytes: Math.max(1_024, count('limits.maxHeaderBytes', options.limits?.maxHeaderBytes ?? 16 * 1024)),
    },
    keepAliveDelayMs: count('keepAliveDelayMs', options.keepAliveDelayMs ?? 60_000),
    metrics: options.metrics ?? createServerMetrics(),
    onError:
      options.onError ??
      function warn(error) {
        process.emitWarning(error);
      },
  };
}
