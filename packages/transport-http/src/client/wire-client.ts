import type { Readable } from 'node:stream';

/**
 * The seam between the wire protocol (paths, headers, envelopes, codecs) and the HTTP runtime
 * that moves the bytes: undici for HTTP/1.1, `node:http2` for HTTP/2. Everything above it is the
 * same for both versions.
 */

/** Response or request headers, lower-case names, as both runtimes hand them over. */
export type WireHeaders = Readonly<Record<string, string | string[] | number | undefined>>;

/** One `POST` as the call layer hands it to a runtime. */
export interface WireRequest {
  /** The route, with the base URL's path prefix: `/v1/StoreBlob`. */
  readonly path: string;
  /** Made for this request alone: a runtime may add its own entries (HTTP/2 pseudo-headers). */
  readonly headers: Record<string, string>;
  /**
   * A whole body (sent with `content-length`), or chunks pulled one at a time, each only after the
   * connection accepted the previous one, so a producer never runs ahead of the socket.
   */
  readonly body: Uint8Array | AsyncIterable<Uint8Array>;
  /** Resets the request on the wire when it aborts; absent for calls that cannot end early. */
  readonly signal: AbortSignal | undefined;
}

/** A response whose head has arrived; its body is read from `body` as the consumer pulls. */
export interface WireResponse {
  readonly status: number;
  readonly headers: WireHeaders;
  /** The body; reading it pulls from the connection, and pausing it stops the peer (flow control). */
  readonly body: Readable;
  /** Abandons the call: resets the HTTP/2 stream (RST_STREAM CANCEL) or drops the HTTP/1.1 connection. */
  cancel(): void;
}

/** A connection manager for one HTTP version. */
export interface WireClient {
  /** Sends a request and resolves when the response head arrives. */
  send(request: WireRequest): Promise<WireResponse>;
  /**
   * Resolves DNS and opens connections ahead of the first call. `probe` is a cheap call
   * (`Health`) that a runtime may send to open a connection; its answer is ignored.
   */
  warmup(probe: WireRequest): Promise<void>;
  /** Lets in-flight requests finish, then closes every connection. */
  close(): Promise<void>;
}
