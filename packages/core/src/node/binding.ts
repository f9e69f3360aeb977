import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ServerHttp2Stream } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../errors/code.js';

/** What a binding reports about each call it served (for metrics and logs). */
export interface ServedCall {
  /** The wire protocol: `http`, `connect`, `grpc`, `grpc-web`, `ws`. */
  readonly protocol: string;
  /** The method's wire name, or the route for non-RPC routes (`blob.get`). */
  readonly method: string;
  readonly code: ErrorCode | 'ok';
  readonly durationMs: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** The limit the call hit, when its error enforced one (`GovcError.limit`). */
  readonly limit?: string | undefined;
  /** The HTTP version the call came over, for bindings on HTTP. */
  readonly httpVersion?: '1.1' | '2' | undefined;
  /** The peer's IP address, when the socket still knows it. */
  readonly remoteAddress?: string | undefined;
  /** The repository the call acted in, when its handler noted one (`HandlerContext.facts`). */
  readonly repo?: string | undefined;
  /** The name of the caller's token, when the server authenticated one. */
  readonly caller?: string | undefined;
}

/** Hears about every call a binding served. */
export type CallObserver = (call: ServedCall) => void;

/**
 * The server side of one wire protocol, mounted by the govc server's listener. The listener owns
 * sockets, TLS, HTTP versions and limits on connections; a binding owns its routes: it says which
 * requests are its own and serves them from raw HTTP/1.1 request/response pairs, raw HTTP/2
 * streams, or upgrades.
 */
export interface HttpBinding {
  /** Short name for logs and metrics, e.g. `http`. */
  readonly name: string;
  /** Whether this binding serves a request for `path` (no query string) with these headers. */
  handles(path: string, headers: IncomingHttpHeaders): boolean;
  /**
   * Whether a request for `path` is served without credentials (health checks) when the
   * server has an access policy. Every other request's bearer token is authenticated from its
   * headers before the binding sees it, so that no unauthenticated body is read or inflated.
   * Absent: none is.
   */
  isPublic?(path: string): boolean;
  serveHttp1?(request: IncomingMessage, response: ServerResponse): void;
  serveHttp2?(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void;
  serveUpgrade?(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Called when the server starts a graceful shutdown: ends the binding's long-lived calls
   * (watches, upgraded sockets) with `unavailable`, so that shutdown need not wait for them to
   * time out; other calls in flight are left to finish.
   */
  close?(): void;
}
