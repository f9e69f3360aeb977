import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Exchange } from './exchange.js';

/** Adapts an HTTP/1.1 request/response pair to an `Exchange`. */
export function http1Exchange(request: IncomingMessage, response: ServerResponse): Exchange {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  let bytesIn = 0;
  let bytesOut = 0;
  async function* body(): AsyncGenerator<Uint8Array> {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      bytesIn += chunk.byteLength;
      yield chunk;
    }
  }
  return {
    version: 'http/1.1',
    method: request.method ?? 'GET',
    path: query < 0 ? url : url.slice(0, query),
    headers: request.headers,
    body: body(),
    get responded() {
      return response.headersSent;
    },
    get bytesIn() {
      return bytesIn;
    },
    get bytesOut() {
      return bytesOut;
    },
    respond(status: number, headers: OutgoingHttpHeaders) {
      response.writeHead(status, headers);
    },
    write(chunk) {
      // After the client went away 'close' has fired already: waiting for it would hang.
      if (response.destroyed) return Promise.resolve();
      bytesOut += chunk.byteLength;
      if (response.write(chunk)) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          response.off('drain', done);
          response.off('close', done);
          resolve();
        };
        response.on('drain', done);
        response.on('close', done);
      });
    },
    end(chunk) {
      if (chunk) bytesOut += chunk.byteLength;
      response.end(chunk);
    },
    onAbort(listener) {
      response.once('close', () => {
        if (!response.writableFinished) listener();
      });
    },
  };
}
