import type { Socket } from 'node:net';

/**
 * What the first bytes on the TLS port say: `tls` for a TLS record (a ClientHello starts with
 * the handshake content type 0x16), `plain-http` for an HTTP/1.x request line (`GET `, `POST `:
 * a client told `http://` for an `https://` port), `other` for anything else.
 */
export type TlsPortBytes = 'tls' | 'plain-http' | 'other';

const tlsHandshakeRecord = 0x16;
const space = 0x20;
// Longer than any registered method (`UPDATEREDIRECTREF`, 17), so a method name is never cut off.
const longestMethod = 20;

/**
 * Classifies the start of a connection to the TLS port: at the first byte for a TLS record or
 * a byte no method starts with, else at the space after an upper-case method name (RFC 9110
 * methods are tokens; every registered one is upper-case letters and `-`). `undefined` while
 * the bytes are still a possible method name.
 */
export function classifyTlsPortBytes(bytes: Uint8Array): TlsPortBytes | undefined {
  if (bytes[0] === tlsHandshakeRecord) return 'tls';
  const n = Math.min(bytes.length, longestMethod + 1);
  for (let i = 0; i < n; i++) {
    const byte = bytes[i]!;
    if (byte === space) return i > 0 ? 'plain-http' : 'other';
    if (!isMethodByte(byte)) return 'other';
  }
  return bytes.length > longestMethod ? 'other' : undefined;
}

function isMethodByte(byte: number): boolean {
  return (byte >= 0x41 && byte <= 0x5a) || byte === 0x2d; // A-Z, '-'
}

const body = 'This port speaks TLS: use https:// instead of http://\n';

/** The whole reply to plaintext HTTP on the TLS port. */
export const plainHttpOnTlsReply: string =
  'HTTP/1.1 400 Bad Request\r\n' +
  'content-type: text/plain; charset=utf-8\r\n' +
  `content-length: ${Buffer.byteLength(body)}\r\n` +
  'connection: close\r\n' +
  '\r\n' +
  body;

// Time for the reply to reach a client on a slow link and its close to come back.
const lingerMs = 2_000;

/**
 * Answers plaintext HTTP on the TLS port with `400` and closes. What the client still sends (the
 * rest of its request) is read and dropped until it closes or `lingerMs` pass: closing with
 * unread bytes would make the kernel reset the connection, and the client could lose the reply.
 */
export function refusePlainHttp(socket: Socket): void {
  socket.resume();
  socket.end(plainHttpOnTlsReply);
  const timer = setTimeout(function stopLingering() {
    socket.destroy();
  }, lingerMs);
  socket.once('close', function clearLinger() {
    clearTimeout(timer);
  });
}
