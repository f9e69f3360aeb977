import type { CallFacts } from '@govc/core';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * One request and its response, whatever the HTTP version: the thin seam between the protocol
 * logic (which never touches `node:http` or `node:http2`) and the runtime. HTTP/1.1
 * request/response pairs and HTTP/2 streams each adapt to it in a file of their own.
 */
export interface Exchange {
  /** `http/1.1` or `h2`. */
  readonly version: string;
  readonly method: string;
  /** The peer's IP address, when the socket still knows it. */
  readonly remoteAddress: string | undefined;
  /** What the call's handlers noted about it, for its log line. */
  readonly facts: CallFacts;
  /** The path without the query string. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The request body, chunk by chunk, read only as fast as it is consumed. */
  readonly body: AsyncIterable<Uint8Array>;
  /** Whether the response head went out already. */
  readonly responded: boolean;
  /** Sends the status line and headers. */
  respond(status: number, headers: OutgoingHttpHeaders): void;
  /** Writes a body chunk; resolves when the peer can take more (backpressure). */
  write(chunk: Uint8Array): Promise<void>;
  /** Ends the response, with a last chunk if given. */
  end(chunk?: Uint8Array): void;
  /**
   * Fails the response after its head went out, so that the client sees an error at once rather
   * than a body shorter than promised: HTTP/1.1 closes the connection, HTTP/2 resets the stream.
   */
  abort(): void;
  /** Calls `listener` once if the peer goes away before the response ended. */
  onAbort(listener: () => void): void;
  /** Request body bytes read so far. */
  readonly bytesIn: number;
  /** Response body bytes written so far. */
  readonly bytesOut: number;
}
