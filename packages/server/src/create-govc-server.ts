import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ConnectionTracker, type Connection } from './listener/connection-tracker.js';
import { createHttp1Server, stopHttp1Server } from './listener/http1-server.js';
import { createHttp2Server } from './listener/http2-server.js';
import { httpVersionOf, type HttpVersion } from './listener/http-version.js';
import { classifyTlsPortBytes, refusePlainHttp } from './listener/plain-http-on-tls.js';
import { classifyFirstBytes, sniffProtocol } from './listener/sniff-protocol.js';
import { createTlsAcceptor, type TlsAcceptor } from './listener/tls-acceptor.js';
import type { ServerMetrics } from './metrics/server-metrics.js';
import { createRouter } from './routing/create-router.js';
import { ignoreUpgrade } from './routing/ignore-upgrade.js';
import { resolveServerOptions, type GovcServerOptions } from './server-options.js';

/** Where a server listens. */
export interface ListeningAddress {
  /** The address bound, as the OS reports it (`127.0.0.1`, `::`). */
  readonly host: string;
  /** The port bound: the real one when `0` was asked for. */
  readonly port: number;
  /** `http://host:port` (or `https://`), the IPv6 host in brackets. */
  readonly url: string;
}

/** A govc server: one port for every binding, HTTP/1.1 and HTTP/2, cleartext or TLS. */
export interface GovcServer {
  /** Binds the port; rejects when it cannot (`EADDRINUSE`), or when called twice. */
  listen(): Promise<ListeningAddress>;
  /**
   * Closes gracefully: stops accepting, closes idle connections, lets in-flight calls finish
   * (HTTP/2 clients get GOAWAY), cuts what is left after `timeouts.shutdownMs`, and resolves
   * once every connection is closed. Idempotent.
   */
  close(): Promise<void>;
  /** Where it listens; `undefined` before `listen()` resolves. */
  readonly address: ListeningAddress | undefined;
  /** Its metrics: `/metrics` renders `metrics.registry`; bindings report to `metrics.observer`. */
  readonly metrics: ServerMetrics;
  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Creates a govc server. One `net.Server` accepts every connection; with TLS, ALPN picks h2 or
 * http/1.1 (and plaintext HTTP gets a `400` saying to use https); in cleartext, the first bytes
 * tell HTTP/2's preface (prior knowledge) from HTTP/1.1. The socket then goes to an HTTP/2 or
 * HTTP/1.1 server that never listens itself, and each request or stream to `/healthz`,
 * `/metrics`, the first binding that handles it, or a `404`.
 */
export function createGovcServer(options: GovcServerOptions = {}): GovcServer {
  const resolved = resolveServerOptions(options);
  const { metrics, timeouts } = resolved;
  const tracker = new ConnectionTracker(metrics);
  const router = createRouter({
    bindings: resolved.bindings,
    metrics,
    accessPolicy: resolved.accessPolicy,
    allowedOrigins: resolved.allowedOrigins,
    maxHeaderBytes: resolved.limits.maxHeaderBytes,
    ready: () => closing === undefined,
  });

  function onHttp1Request(request: IncomingMessage, response: ServerResponse): void {
    tracker.http1Response(response);
    router.http1(request, response);
  }
  function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!router.upgrade(request, socket, head)) ignoreUpgrade(request, socket, head, onHttp1Request);
  }
  const takesUpgrades = resolved.bindings.some((binding) => binding.serveUpgrade);
  const http1 = createHttp1Server(resolved, takesUpgrades ? { request: onHttp1Request, upgrade: onUpgrade } : { request: onHttp1Request });

  // The HTTP/2 server makes a connection's session synchronously inside emit('connection').
  let handingOver: Connection | undefined;
  const http2 = createHttp2Server(resolved, {
    stream: router.http2,
    session(session) {
      if (handingOver) tracker.attachSession(handingOver, session);
    },
  });

  function handOver(connection: Connection, app: Duplex, http: HttpVersion): void {
    tracker.assign(connection, app, http);
    if (http === '1.1') return void http1.emit('connection', app);
    handingOver = connection;
    try {
      http2.emit('connection', app);
    } finally {
      handingOver = undefined;
    }
  }

  const tls = resolved.tls && createTlsAcceptor(resolved.tls);
  const connectionsHit = metrics.limitHits.labels('connections');
  const sniffTimeoutHit = metrics.limitHits.labels('sniff_timeout');
  const countSniffTimeout = () => sniffTimeoutHit.inc();

  /** The TLS port: a TLS record goes to the handshake, plaintext HTTP gets a `400`. */
  function acceptTls(connection: Connection, socket: Socket, acceptor: TlsAcceptor): void {
    const acceptedAt = performance.now();
    sniffProtocol(
      socket,
      timeouts.sniffMs,
      classifyTlsPortBytes,
      function onTlsPortSniffed(kind) {
        if (kind === undefined) return;
        if (kind === 'plain-http') return refusePlainHttp(socket);
        // sniffMs covers the first bytes and the handshake together, so the handshake gets what is left.
        const leftMs = timeouts.sniffMs > 0 ? Math.max(1, timeouts.sniffMs - (performance.now() - acceptedAt)) : 0;
        acceptor.accept(
          socket,
          leftMs,
          function onSecured(tlsSocket) {
            handOver(connection, tlsSocket, httpVersionOf(tlsSocket.alpnProtocol));
          },
          countSniffTimeout,
        );
      },
      countSniffTimeout,
    );
  }

  const listener = createServer(function onConnection(socket: Socket) {
    if (tracker.size >= resolved.limits.maxConnections) {
      connectionsHit.inc();
      socket.on('error', ignore);
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    socket.setKeepAlive(true, resolved.keepAliveDelayMs);
    // The HTTP servers add their own error listeners; this one covers the time before them.
    socket.on('error', ignore);
    const connection = tracker.add(socket, tls !== undefined);
    if (tls) return acceptTls(connection, socket, tls);
    sniffProtocol(
      socket,
      timeouts.sniffMs,
      classifyFirstBytes,
      function onSniffed(protocol) {
        if (protocol) handOver(connection, socket, httpVersionOf(protocol));
      },
      countSniffTimeout,
    );
  });

  let address: ListeningAddress | undefined;
  let listening: Promise<ListeningAddress> | undefined;
  let closing: Promise<void> | undefined;
  let stopRuntimeMonitor: (() => void) | undefined;

  function listen(): Promise<ListeningAddress> {
    if (listening || closing) return Promise.reject(new Error(closing ? 'the server is closed' : 'the server is already listening'));
    listening = new Promise((resolve, reject) => {
      listener.once('error', reject);
      listener.listen({ port: resolved.port, host: resolved.host }, function onListening() {
        listener.off('error', reject);
        listener.on('error', resolved.onError);
        if (closing) {
          listener.close();
          return reject(new Error('the server was closed while it started listening'));
        }
        // Only while listening: a server made and dropped without listen() leaves nothing running.
        stopRuntimeMonitor = metrics.runtime.start();
        const bound = listener.address() as AddressInfo;
        const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
        address = { host: bound.address, port: bound.port, url: `${tls ? 'https' : 'http'}://${host}:${bound.port}` };
        resolve(address);
      });
    });
    return listening;
  }

  async function shutDown(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      if (!listener.listening) return resolve();
      listener.close(() => resolve());
    });
    // Watches and other endless streams would otherwise hold the shutdown until the grace cut.
    for (const binding of resolved.bindings) binding.close?.();
    await tracker.drain(timeouts.shutdownMs);
    await stopped;
    stopHttp1Server(http1);
    stopRuntimeMonitor?.();
  }

  function close(): Promise<void> {
    closing ??= shutDown();
    return closing;
  }

  return {
    listen,
    close,
    get address() {
      return address;
    },
    metrics,
    [Symbol.asyncDispose]: close,
  };
}

function ignore(): void {}
