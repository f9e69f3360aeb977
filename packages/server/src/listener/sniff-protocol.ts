import type { Duplex } from 'node:stream';

/** What a cleartext connection's first bytes say it speaks. */
export type SniffedProtocol = 'http/1.1' | 'h2';

/** The connection preface every HTTP/2 client with prior knowledge sends first (RFC 9113 §3.4). */
export const http2Preface: Buffer = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/**
 * What `bytes`, the start of a cleartext connection, say: `h2` once all 24 bytes of the preface
 * are there, `http/1.1` as soon as one byte differs from it (usually the second: `GET`, `POST`),
 * and `undefined` while they are still a prefix of it.
 */
export function classifyFirstBytes(bytes: Uint8Array): SniffedProtocol | undefined {
  const n = Math.min(bytes.length, http2Preface.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== http2Preface[i]) return 'http/1.1';
  return n === http2Preface.length ? 'h2' : undefined;
}

/**
 * Reads `socket`'s first bytes until `classify` decides (returns other than `undefined`), puts
 * them back with `unshift()` so that whoever is handed the socket next (an HTTP server, the TLS
 * acceptor) reads them again, and calls `done` with the verdict. If the socket ends, fails or
 * stays silent past `timeoutMs` (0: no limit) first, it is destroyed and `done(undefined)` is
 * called (after `onTimeout` for the latter). `done` is called once.
 */
export function sniffProtocol<P>(
  socket: Duplex,
  timeoutMs: number,
  classify: (bytes: Uint8Array) => P | undefined,
  done: (protocol: P | undefined) => void,
  onTimeout?: () => void,
): void {
  let seen: Buffer | undefined;
  const timer =
    timeoutMs > 0
      ? setTimeout(function onSniffTimeout() {
          onTimeout?.();
          give(undefined);
        }, timeoutMs)
      : undefined;

  function give(protocol: P | undefined): void {
    clearTimeout(timer);
    socket.off('readable', onReadable);
    socket.off('end', onGone);
    socket.off('close', onGone);
    socket.off('error', onGone);
    if (protocol === undefined) socket.destroy();
    else if (seen) socket.unshift(seen);
    done(protocol);
  }

  function onReadable(): void {
    let chunk: Buffer | null;
    while ((chunk = socket.read() as Buffer | null) !== null) {
      seen = seen ? Buffer.concat([seen, chunk]) : chunk;
      const protocol = classify(seen);
      if (protocol !== undefined) return give(protocol);
    }
  }

  function onGone(): void {
    give(undefined);
  }

  socket.on('readable', onReadable);
  socket.once('end', onGone);
  socket.once('close', onGone);
  socket.once('error', onGone);
}
