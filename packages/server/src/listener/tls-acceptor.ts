import type { Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import type { GovcServerTlsOptions } from '../server-options.js';

/** Runs the TLS handshake on accepted sockets. */
export interface TlsAcceptor {
  /**
   * Starts the handshake on `socket`; `secured` gets the TLS socket once it is done, with
   * `alpnProtocol` set (`h2`, `http/1.1`, or `false` when the client offered no ALPN). A failed
   * handshake, or one not done within `timeoutMs` (0: no limit; `onTimeout` is told), destroys
   * the socket and `secured` is never called.
   */
  accept(socket: Socket, timeoutMs: number, secured: (tlsSocket: TLSSocket) => void, onTimeout?: () => void): void;
}

/**
 * A TLS acceptor on a `tls.Server` that never listens: accepted sockets are handed to it with
 * `emit('connection')`, and ALPN offers h2 and http/1.1. The handshake's time limit is given per
 * socket rather than as the server's `handshakeTimeout`, so that it can be what is left of the
 * connection's budget once its first bytes were read.
 */
export function createTlsAcceptor(tls: GovcServerTlsOptions): TlsAcceptor {
  const server = createServer({ cert: tls.cert, key: tls.key, ALPNProtocols: ['h2', 'http/1.1'], handshakeTimeout: 0 });
  // tls.Server says which TLS socket finished, not which TCP socket it wraps; the peer's address
  // and port tell them apart (both are the same connection's), with documented API only.
  const waiting = new Map<string, (tlsSocket: TLSSocket) => void>();
  server.on('secureConnection', function onSecure(tlsSocket: TLSSocket) {
    const key = peerOf(tlsSocket);
    const secured = key === undefined ? undefined : waiting.get(key);
    if (!secured) return tlsSocket.destroy();
    waiting.delete(key!);
    secured(tlsSocket);
  });
  server.on('tlsClientError', function onHandshakeFailed(_error: Error, tlsSocket: TLSSocket) {
    tlsSocket.destroy();
  });
  return {
    accept(socket, timeoutMs, secured, onTimeout) {
      const key = peerOf(socket);
      if (key === undefined) return void socket.destroy(); // reset before we got here
      const timer =
        timeoutMs > 0
          ? setTimeout(function handshakeTimedOut() {
              onTimeout?.();
              socket.destroy();
            }, timeoutMs)
          : undefined;
      function onSecured(tlsSocket: TLSSocket): void {
        clearTimeout(timer);
        secured(tlsSocket);
      }
      waiting.set(key, onSecured);
      socket.once('close', function forget() {
        clearTimeout(timer);
        if (waiting.get(key) === onSecured) waiting.delete(key);
      });
      server.emit('connection', socket);
    },
  };
}

function peerOf(socket: Socket): string | undefined {
  const { remoteAddress, remotePort } = socket;
  return remoteAddress === undefined || remotePort === undefined ? undefined : `${remoteAddress} ${remotePort}`;
}
