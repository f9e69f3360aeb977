import { msgpackCodec, type Codec } from '@govc/core';
import { gzipCompression, type Compression } from '@govc/core/node';
import { optionValue } from '@govc/core/protocol';

/** TLS settings for an `https:` base URL. */
export interface HttpTlsOptions {
  /**
   * Certificate authorities to trust, PEM. Default: Node's bundled roots, which is what a public
   * server needs; pass the CA of a private or test server here rather than turning checks off.
   */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Whether to refuse a server whose certificate does not verify. Default `true`: anything else is unsafe outside tests. */
  readonly rejectUnauthorized?: boolean;
}

/** How the HTTP/2 client manages its sessions. */
export interface Http2SessionOptions {
  /**
   * Most sessions (connections) open at once. Default 4: one session multiplexes the peer's
   * stream limit (100 or more) of calls, and another opens only when that fills, so a few bound
   * the sockets while spreading a heavy load. With every session full, calls queue in nghttp2.
   */
  readonly maxSessions?: number;
  /**
   * Interval of keepalive PINGs, in ms; a session whose PING is still unanswered at the next one
   * is closed as dead and its calls fail `unavailable`. Default 30 s: keeps NAT and load-balancer
   * mappings alive and finds a vanished peer within a minute, at a negligible cost.
   */
  readonly pingIntervalMs?: number;
  /**
   * A session with no call in flight for this long is closed, in ms. Default 60 s: long enough
   * that bursty callers reuse the connection, short enough not to hold server sockets forever.
   */
  readonly idleTimeoutMs?: number;
  /**
   * HTTP/2 flow-control windows we advertise, in bytes. Defaults: 16 MiB per session, 4 MiB per
   * stream. HTTP/2's 64 KiB default caps a stream at one window per round trip, which throttles
   * large messages and downloads; a stream window also bounds how far a server stream runs ahead of
   * a reader that stopped reading.
   */
  readonly windowBytes?: { readonly session?: number; readonly stream?: number };
}

/** Options of `createHttpTransport`. */
export interface HttpTransportOptions {
  /**
   * Where the server is: `http://host:port` or `https://host:port`, optionally with a path prefix
   * that every route is appended to. Required.
   */
  readonly baseUrl: string;
  /**
   * `'1.1'`: undici's pooled keep-alive connections; `'2'`: `node:http2` multiplexed sessions
   * (cleartext with prior knowledge for `http:`, ALPN `h2` for `https:`). Required: the right one
   * depends on the server and the network in between.
   */
  readonly httpVersion: '1.1' | '2';
  /** How messages are encoded. Default `msgpackCodec`: smaller and faster than JSON, and bytes travel raw. */
  readonly codec?: Codec;
  /**
   * `'gzip'` compresses request bodies and stream messages over `compressionThreshold` and asks
   * the server for gzip responses (`accept-encoding: gzip`); `'none'` does neither. Default
   * `'none'`: on fast links compression costs more CPU time than it saves. Gzip responses are
   * accepted either way.
   */
  readonly compression?: 'gzip' | 'none';
  /** Smallest payload worth compressing, in bytes. Default 1 KiB: below that gzip's header and CPU outweigh the gain. */
  readonly compressionThreshold?: number;
  /**
   * Largest response body or stream message read, in bytes, before and after inflating; a larger
   * one fails the call `resource_exhausted`. Default 16 MiB, the server's own default limit.
   */
  readonly maxMessageBytes?: number;
  /**
   * HTTP/1.1 only: most connections kept to the server; further calls queue for a free one.
   * Default 16: HTTP/1.1 carries one call at a time per connection, so this is the concurrency,
   * and 16 saturates a server on a few cores without a flood of sockets.
   */
  readonly connections?: number;
  /** HTTP/2 only: session management. Defaults as documented on each field. */
  readonly h2?: Http2SessionOptions;
  /** For `https:` base URLs. Default: verify against Node's bundled roots. */
  readonly tls?: HttpTlsOptions;
  /**
   * How long a DNS answer is reused by every connection this transport opens, in ms. Default
   * 30 s: reconnects and new sessions skip the lookup, yet a moved host is found soon.
   */
  readonly dnsTtlMs?: number;
}

/** The options with every default applied, checked once when the transport is made. */
export interface ResolvedHttpTransportOptions {
  /** `http://host:port`, for undici's pool. */
  readonly origin: string;
  /** The base URL's path without a trailing `/`, prepended to every route. */
  readonly pathPrefix: string;
  /** Hostname to connect to (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly httpVersion: '1.1' | '2';
  readonly codec: Codec;
  /** The compression used for what we send, or `undefined` for none. */
  readonly compression: Compression | undefined;
  readonly compressionThreshold: number;
  readonly maxMessageBytes: number;
  readonly connections: number;
  readonly maxSessions: number;
  readonly pingIntervalMs: number;
  readonly idleTimeoutMs: number;
  readonly sessionWindowBytes: number;
  readonly streamWindowBytes: number;
  readonly ca: string | Buffer | (string | Buffer)[] | undefined;
  readonly rejectUnauthorized: boolean;
  readonly dnsTtlMs: number;
  /** Idle time before the first TCP keep-alive probe, in ms. */
  readonly keepAliveInitialDelayMs: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

// TCP keep-alive probes start after 30 s of silence: dead peers are found long before the OS
// default of two hours, at the cost of one tiny packet per idle connection per half minute.
const keepAliveInitialDelayMs = 30_000;

// HTTP/2 windows are 31-bit (RFC 9113 §6.9.1).
const maxWindowBytes = 2 ** 31 - 1;

/** An integer option from `min` to `max`, checked the one way every govc package checks options. */
function count(name: string, value: number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  return optionValue(name, value, fallback, { min, max, integer: true });
}

function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new TypeError(`baseUrl is not a URL: ${JSON.stringify(baseUrl)}`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`baseUrl must be http: or https:, got ${url.protocol}`);
  if (url.search || url.hash || url.username || url.password)
    throw new TypeError('baseUrl must not carry a query, fragment or credentials');
  return url;
}

/** Applies defaults and checks every option; a bad value throws here, not on some later call. */
export function resolveHttpTransportOptions(options: HttpTransportOptions): ResolvedHttpTransportOptions {
  const url = parseBaseUrl(options.baseUrl);
  if (options.httpVersion !== '1.1' && options.httpVersion !== '2') {
    throw new TypeError(`httpVersion must be '1.1' or '2', got ${String(options.httpVersion)}`);
  }
  const compression = options.compression ?? 'none';
  if (compression !== 'gzip' && compression !== 'none')
    throw new TypeError(`compression must be 'gzip' or 'none', got ${String(compression)}`);
  const secure = url.protocol === 'https:';
  const h2 = options.h2 ?? {};
  const ca = options.tls?.ca;
  return {
    origin: url.origin,
    pathPrefix: url.pathname.replace(/\/+$/, ''),
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 443 : 80,
    secure,
    httpVersion: options.httpVersion,
    codec: options.codec ?? msgpackCodec,
    compression: compression === 'gzip' ? gzipCompression : undefined,
    compressionThreshold: count('compressionThreshold', options.compressionThreshold, KiB, 0),
    maxMessageBytes: count('maxMessageBytes', options.maxMessageBytes, 16 * MiB, 1, 2 ** 32 - 1),
    connections: count('connections', options.connections, 16, 1),
    maxSessions: count('h2.maxSessions', h2.maxSessions, 4, 1),
    pingIntervalMs: count('h2.pingIntervalMs', h2.pingIntervalMs, 30_000, 1, 2 ** 31 - 1),
    idleTimeoutMs: count('h2.idleTimeoutMs', h2.idleTimeoutMs, 60_000, 1, 2 ** 31 - 1),
    sessionWindowBytes: count('h2.windowBytes.session', h2.windowBytes?.session, 16 * MiB, 65_535, maxWindowBytes),
    streamWindowBytes: count('h2.windowBytes.stream', h2.windowBytes?.stream, 4 * MiB, 65_535, maxWindowBytes),
    ca: Array.isArray(ca) ? [...(ca as readonly (string | Buffer)[])] : (ca as string | Buffer | undefined),
    rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
    dnsTtlMs: count('dnsTtlMs', options.dnsTtlMs, 30_000, 0),
    keepAliveInitialDelayMs,
  };
}
