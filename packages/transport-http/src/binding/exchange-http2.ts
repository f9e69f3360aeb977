import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { Exchange } from './exchange.js';
import { countedChunks, writeRespectingDrain } from './stream-io.js';

/** Adapts a raw HTTP/2 stream (not the slower compatibility API) to an `Exchange`. */
export function http2Exchange(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Exchange {
  const path = String(headers[':path'] ?? '/');
  const query = path.indexOf('?');
  let bytesIn = 0;
  let bytesOut = 0;
  return {
    version: 'h2',
    method: String(headers[':method'] ?? 'GET'),
    path: query < 0 ? path : path.slice(0, query),
    headers,
    body: countedChunks(stream as AsyncIterable<Buffer>, (bytes) => (bytesIn += bytes)),
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
      if (chunk) bytesOut += chunk.byteLength;
      stream.end(chunk);
    },
    onAbort(listener) {
      // A reset stream emits 'aborted' and then ends its writable side itself, so 'close' alone
      // cannot tell an aborted stream from a finished one.
      stream.once('aborted', listener);
      stream.once('close', () => {
        if (!stream.writableFinished) listener();
      });
    },
  };
}
