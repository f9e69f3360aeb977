import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
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
  });
  server.on('request', handlers.request);
  if (handlers.upgrade) server.on('upgrade', handlers.upgrade);
  server.emit('listening');
  return server;
}

/** Stops the HTTP/1.1 server's connection checks (its sockets belong to the listener). */
export function stopHttp1Server(server: Server): void {
  // close() on a server that never listened clears the check's interval and reports, harmlessly,
  // that it was not running.
  server.close(function ignoreNotRunning() {});
}
