import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { Exchange } from './exchange.js';

/** Adapts a raw HTTP/2 stream (not the slower compatibility API) to an `Exchange`. */
export function http2Exchange(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Exchange {
  const path = String(headers[':path'] ?? '/');
  const query = path.indexOf('?');
  let bytesIn = 0;
  let bytesOut = 0;
  async function* body(): AsyncGenerator<Uint8Array> {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesIn += chunk.byteLength;
      yield chunk;
    }
  }
  return {
    version: 'h2',
    method: String(headers[':method'] ?? 'GET'),
    path: query < 0 ? path : path.slice(0, query),
    headers,
    body: body(),
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
      if (stream.destroyed || stream.write(chunk)) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          stream.off('drain', done);
          stream.off('close', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('close', done);
      });
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
