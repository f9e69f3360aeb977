import { constants, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Exchange } from './exchange.js';
import { countedChunks, writeRespectingDrain } from './stream-io.js';

/**
 * Reads what is left of a request body and drops it — at most a stream window once the client
 * was told to stop — so that the stream can end. Reads directly: a reader of the body that is
 * no longer pulling (an async iterator left suspended) would otherwise hold the data.
 */
function dropRest(stream: ServerHttp2Stream): void {
  stream.on('readable', function drop() {
    while (stream.read() !== null);
  });
}

/** Adapts a raw HTTP/2 stream (not the slower compatibility API) to an `Exchange`. */
export function http2Exchange(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Exchange {
  const path = String(headers[':path'] ?? '/');
  const query = path.indexOf('?');
  let bytesIn = 0;
  let bytesOut = 0;
  let ended = false;
  return {
    version: 'h2',
    get remoteAddress() {
      return stream.session?.socket?.remoteAddress;
    },
    facts: {},
    method: String(headers[':method'] ?? 'GET'),
    path: query < 0 ? path : path.slice(0, query),
    headers,
    // A reader that stops early (a body over the limit) must not destroy the stream: the error
    // response still has to go out on it (and `end()` then drops the rest).
    body: countedChunks(stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>, (bytes) => (bytesIn += bytes)),
    get responded() {
      return stream.headersSent;
    },
    get bytesIn() {
      return bytesIn;
    },
    get bytesOut() {
      return bytesOut;
    },
    respond(status: number, responseHeaders: OutgoingHttpHeaders) {
      if (stream.destroyed || stream.closed) return;
      stream.respond({ ':status': status, ...responseHeaders });
    },
    write(chunk) {
      bytesOut += chunk.byteLength;
      return writeRespectingDrain(stream, chunk);
    },
    end(chunk) {
      if (stream.destroyed || stream.closed) return;
      ended = true;
      if (chunk) bytesOut += chunk.byteLength;
      stream.end(chunk);
      // The response may be complete before the request (a call refused after its first message):
      // RST_STREAM NO_ERROR, which Node sends once the response is written, tells the client to
      // stop sending (RFC 9113 §8.1), and what already came is read and dropped. Left unread, the
      // request would hold the stream open, and with it the client's connection when it closes.
      if (!stream.readableEnded) {
        stream.close(constants.NGHTTP2_NO_ERROR);
        dropRest(stream);
      }
    },
    abort() {
      if (stream.destroyed || stream.closed) return;
      // Closing with an error code destroys the stream with that error: it is ours, not news.
      stream.on('error', ignore);
      stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    },
    onAbort(listener) {
      // A reset stream emits 'aborted' and then ends its writable side itself, so 'close' alone
      // cannot tell an aborted stream from a finished one. A stream whose response was ended
      // may close before its writable side reports finished: only a reset says that it was
      // cut short then.
      let fired = false;
      const once = (): void => {
        if (fired) return;
        fired = true;
        listener();
      };
      stream.once('aborted', once);
      stream.once('close', () => {
        if (stream.rstCode !== constants.NGHTTP2_NO_ERROR || (!ended && !stream.writableFinished)) once();
      });
    },
  };
}

function ignore(): void {}
