import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { ResolvedServerOptions } from '../server-options.js';

/** What the HTTP/1.1 side hands on: requests, and upgrades when some binding takes them. */
export interface Http1Handlers {
  request(request: IncomingMessage, response: ServerResponse): void;
  /** Only wired when given: without an `upgrade` listener, Node serves upgrade requests as ordinary ones. */
  upgrade?: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

/**
 * An `http.Server` that never listens: the listener hands it sockets with `emit('connection')`.
 * Node starts the check that enforces `headersTimeout` and `requestTimeout` only when a server
 * emits `listening` (seen on Node 20.20), so this one is told it listens; without that a client
 * that never finishes its headers would hold its socket forever.
 */
export function createHttp1Server(options: ResolvedServerOptions, handlers: Http1Handlers): Server {
  const { timeouts } = options;
  const server = createServer({
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.idleMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
    maxHeaderSize: options.limits.maxHeaderBytes,
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket, options.metrics));
  server.on('request', handlers.request);
  if (handlers.upgrade) server.on('upgrade', handlers.upgrade);
  server.emit('listening');
  return server;
}

/** The status Node gives each kind of unparsable or too slow request, and the limit it stands for. */
function clientErrorOf(code: string | undefined): { status: string; limit?: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: '431 Request Header Fields Too Large', limit: 'header_bytes' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: '408 Request Timeout', limit: 'request_timeout' };
    default:
      return { status: '400 Bad Request' };
  }
}

/**
 * Answers a request Node could not parse, or that took too long, as Node would by default
 * (a bare status, `Connection: close`), and counts the limits among them.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket, metrics: ServerMetrics): void {
  const { status, limit } = clientErrorOf(error.code);
  if (limit) metrics.limitHits.labels(limit).inc();
  // Only before any response byte went out: otherwise a status line would corrupt the response.
  if (socket.writable && socket.bytesWritten === 0) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroySoon();
}

/** Stops the HTTP/1.1 server's connection checks (its sockets belong to the listener). */
export function stopHttp1Server(server: Server): void {
  // close() on a server that never listened clears the check's interval and reports, harmlessly,
  // that it was not running.
  server.close(function ignoreNotRunning() {});
}
