import type { ServerResponse } from 'node:http';
import type { ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { HttpVersion } from './http-version.js';

/** One accepted TCP connection and what the server knows about it. */
export interface Connection {
  /** The accepted TCP socket. */
  readonly socket: Socket;
  readonly tls: boolean;
  /** `pending` until the protocol is known. */
  readonly http: HttpVersion | 'pending';
  /** The socket the HTTP server reads: `socket` itself, or the TLS socket over it. */
  readonly app: Duplex | undefined;
}

interface TrackedConnection extends Connection {
  http: HttpVersion | 'pending';
  app: Duplex | undefined;
  session: ServerHttp2Session | undefined;
  /** HTTP/1.1 responses not yet closed (more than one when the client pipelines). */
  readonly responses: Set<ServerResponse>;
}

/**
 * Every open connection, by state, for the metrics and for a graceful close: it knows which
 * connections are idle (closed at once), which have calls in flight (closed when they finish)
 * and which speak HTTP/2 (sent GOAWAY, so their streams finish and no new one starts).
 */
export class ConnectionTracker {
  readonly #metrics: ServerMetrics;
  readonly #open = new Set<TrackedConnection>();
  readonly #byApp = new WeakMap<Duplex, TrackedConnection>();
  #closing = false;
  #onEmpty: (() => void) | undefined;

  constructor(metrics: ServerMetrics) {
    this.#metrics = metrics;
  }

  /** Whether `drain()` has begun. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Open connections. */
  get size(): number {
    return this.#open.size;
  }

  /** Starts tracking an accepted socket, until it closes. */
  add(socket: Socket, tls: boolean): Connection {
    const connection: TrackedConnection = { socket, tls, http: 'pending', app: undefined, session: undefined, responses: new Set() };
    this.#open.add(connection);
    this.#gauge(connection).inc();
    socket.once('close', () => this.#remove(connection));
    return connection;
  }

  /** Records that `connection` speaks `http` over `app` (the socket handed to the HTTP server). */
  assign(connection: Connection, app: Duplex, http: HttpVersion): void {
    const tracked = connection as TrackedConnection;
    this.#gauge(tracked).dec();
    tracked.http = http;
    tracked.app = app;
    this.#byApp.set(app, tracked);
    this.#gauge(tracked).inc();
    this.#metrics.connectionsTotal.labels(http, String(tracked.tls)).inc();
  }

  /** Records the HTTP/2 session serving `connection`; one made while closing is told to go away. */
  attachSession(connection: Connection, session: ServerHttp2Session): void {
    (connection as TrackedConnection).session = session;
    if (this.#closing) session.close();
  }

  /**
   * Counts an HTTP/1.1 response as in flight on its connection until it closes. While closing,
   * the response says `Connection: close`, and the connection ends once its last response is done.
   */
  http1Response(response: ServerResponse): void {
    const connection = this.#byApp.get(response.req.socket);
    if (!connection) return;
    connection.responses.add(response);
    if (this.#closing) response.shouldKeepAlive = false;
    response.once('close', () => {
      connection.responses.delete(response);
      if (this.#closing && connection.responses.size === 0) connection.app?.end();
    });
  }

  /**
   * Closes every connection gracefully: those still sniffing and idle HTTP/1.1 ones at once,
   * busy HTTP/1.1 ones after their last response, HTTP/2 ones with GOAWAY once their streams
   * end. Connections left after `graceMs` (0: no limit) are destroyed. Resolves when none is open.
   */
  drain(graceMs: number): Promise<void> {
    this.#closing = true;
    for (const connection of this.#open) this.#drainOne(connection);
    if (this.#open.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const open = this.#open;
      const timer =
        graceMs > 0
          ? setTimeout(function cutRemaining() {
              for (const connection of open) destroy(connection);
            }, graceMs)
          : undefined;
      this.#onEmpty = function drained() {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  #drainOne(connection: TrackedConnection): void {
    if (connection.http === 'pending') return destroy(connection);
    if (connection.http === '2') return connection.session?.close();
    for (const response of connection.responses) if (!response.headersSent) response.shouldKeepAlive = false;
    if (connection.responses.size === 0) destroy(connection);
  }

  #gauge(connection: TrackedConnection) {
    return this.#metrics.connectionsOpen.labels(connection.http, String(connection.tls));
  }

  #remove(connection: TrackedConnection): void {
    if (!this.#open.delete(connection)) return;
    this.#gauge(connection).dec();
    if (connection.http === 'pending') this.#metrics.connectionsTotal.labels('none', String(connection.tls)).inc();
    if (this.#open.size === 0) this.#onEmpty?.();
  }
}

/** Cuts a connection now: the TLS socket (if any) and the TCP socket under it. */
function destroy(connection: TrackedConnection): void {
  connection.app?.destroy();
  connection.socket.destroy();
}
