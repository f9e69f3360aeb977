import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { LookupFunction } from './dns-cache.js';

/** Where and how a client connects: plain TCP, or TLS checked against `ca`. */
export interface SocketTarget {
  /** Host name or IP literal (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  /** TLS when true. */
  readonly secure: boolean;
  /** Certificates to trust besides the system's; `undefined` for the system's only. */
  readonly ca: string | Buffer | (string | Buffer)[] | undefined;
  readonly rejectUnauthorized: boolean;
  /** Idle time before the first TCP keep-alive probe, in ms. */
  readonly keepAliveInitialDelayMs: number;
}

/**
 * Opens a client's TCP (or TLS, offering only ALPN `alpn`) connection: names resolved through
 * `lookup` (a DNS cache), Nagle off (small frames go out at once), TCP keep-alive on.
 */
export function connectSocket(options: SocketTarget, lookup: LookupFunction, alpn: string): Socket {
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
