import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Exchange } from './exchange.js';
import { countedChunks, writeRespectingDrain } from './stream-io.js';

/** Adapts an HTTP/1.1 request/response pair to an `Exchange`. */
export function http1Exchange(request: IncomingMessage, response: ServerResponse): Exchange {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  let bytesIn = 0;
  let bytesOut = 0;
  return {
    version: 'http/1.1',
    get remoteAddress() {
      return request.socket.remoteAddress;
    },
    facts: {},
    method: request.method ?? 'GET',
    path: query < 0 ? url : url.slice(0, query),
    headers: request.headers,
    body: countedChunks(request as AsyncIterable<Buffer>, (bytes) => (bytesIn += bytes)),
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
      bytesOut += chunk.byteLength;
      return writeRespectingDrain(response, chunk);
    },
    end(chunk) {
      if (chunk) bytesOut += chunk.byteLength;
      response.end(chunk);
    },
    abort() {
      response.destroy();
    },
    onAbort(listener) {
      response.once('close', () => {
        if (!response.writableFinished) listener();
      });
    },
  };
}
