import type { Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import type { GovcServerTlsOptions } from '../server-options.js';

/** Runs the TLS handshake on accepted sockets. */
export interface TlsAcceptor {
  /**
   * Starts the handshake on `socket`; `secured` gets the TLS socket once it is done, with
   * `alpnProtocol` set (`h2`, `http/1.1`, or `false` when the client offered no ALPN). A failed
   * or timed-out handshake destroys the socket and `secured` is never called.
   */
  accept(socket: Socket, secured: (tlsSocket: TLSSocket) => void): void;
}

/**
 * A TLS acceptor on a `tls.Server` that never listens: accepted sockets are handed to it with
 * `emit('connection')`, and ALPN offers h2 and http/1.1. A handshake must finish within
 * `handshakeMs` (0: no limit).
 */
export function createTlsAcceptor(tls: GovcServerTlsOptions, handshakeMs: number): TlsAcceptor {
  const server = createServer({ cert: tls.cert, key: tls.key, ALPNProtocols: ['h2', 'http/1.1'], handshakeTimeout: handshakeMs });
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
    accept(socket, secured) {
      const key = peerOf(socket);
      if (key === undefined) return void socket.destroy(); // reset before we got here
      waiting.set(key, secured);
      socket.once('close', function forget() {
        if (waiting.get(key) === secured) waiting.delete(key);
      });
      server.emit('connection', socket);
    },
  };
}

function peerOf(socket: Socket): string | undefined {
  const { remoteAddress, remotePort } = socket;
  return remoteAddress === undefined || remotePort === undefined ? undefined : `${remoteAddress} ${remotePort}`;
}
