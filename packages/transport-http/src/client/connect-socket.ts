import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { LookupFunction } from '@govc/core/node';
import type { ResolvedHttpTransportOptions } from './http-transport-options.js';

/**
 * Opens the TCP (or TLS, offering only ALPN `alpn`) connection under an HTTP/2 session: names
 * resolved through the transport's DNS cache, Nagle off (small frames go out at once), TCP
 * keep-alive on. The HTTP/1.1 pool gets the same settings through undici's `connect` options.
 */
export function connectSocket(options: ResolvedHttpTransportOptions, lookup: LookupFunction, alpn: string): Socket {
  const socket = options.secure
    ? tlsConnect({
        host: options.host,
        port: options.port,
        lookup,
        ALPNProtocols: [alpn],
        // SNI takes a host name only, never an IP literal.
        ...(isIP(options.host) === 0 ? { servername: options.host } : {}),
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        rejectUnauthorized: options.rejectUnauthorized,
      })
    : netConnect({ host: options.host, port: options.port, lookup });
  socket.setNoDelay(true);
  socket.setKeepAlive(true, options.keepAliveInitialDelayMs);
  return socket;
}
