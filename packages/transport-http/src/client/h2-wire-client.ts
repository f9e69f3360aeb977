import { constants, type ClientHttp2Stream, type IncomingHttpHeaders, type IncomingHttpStatusHeader } from 'node:http2';
import type { Readable } from 'node:stream';
import { GovcError } from '@govc/core';
import type { LookupFunction } from '@govc/core/node';
import { Http2SessionPool, type PooledSession } from './h2-session-pool.js';
import type { ResolvedHttpTransportOptions } from './http-transport-options.js';
import { codeFromHttp2ErrorCode } from './runtime-errors.js';
import type { WireClient, WireHeaders, WireRequest, WireResponse } from './wire-client.js';
import { writeBody } from './write-body.js';

class H2Response implements WireResponse {
  constructor(
    readonly status: number,
    readonly headers: WireHeaders,
    readonly stream: ClientHttp2Stream,
  ) {}

  get body(): Readable {
    return this.stream;
  }

  cancel(): void {
    // RST_STREAM CANCEL tells the server the caller went away, so it stops the work.
    if (!this.stream.closed) this.stream.close(constants.NGHTTP2_CANCEL);
  }
}

/** The error of a stream that closed before its response head arrived. */
function closedEarly(stream: ClientHttp2Stream): GovcError {
  const rstCode = stream.rstCode;
  if (rstCode === undefined) return new GovcError('unavailable', 'HTTP/2 stream closed before the response');
  return new GovcError(codeFromHttp2ErrorCode(rstCode), `HTTP/2 stream reset before the response (code ${rstCode})`);
}

/**
 * HTTP/2 on `node:http2`'s stream API (`session.request()`; the `(req, res)` compatibility layer
 * measured 1.8× slower), over the sessions of an `Http2SessionPool`. A request's signal resets
 * the stream with RST_STREAM CANCEL; the response body is the stream itself, so a paused reader
 * withholds WINDOW_UPDATEs and the server stops at the stream window.
 */
export function createH2WireClient(options: ResolvedHttpTransportOptions, lookup: LookupFunction): WireClient {
  const pool = new Http2SessionPool(options, lookup);

  function send(request: WireRequest): Promise<WireResponse> {
    let pooled: PooledSession;
    let stream: ClientHttp2Stream;
    try {
      pooled = pool.acquire();
    } catch (error) {
      return Promise.reject(error);
    }
    const headers = request.headers;
    headers[':method'] = 'POST';
    headers[':path'] = request.path;
    try {
      // POST bodies keep the stream open (Node's default); an options object costs a validation pass per call.
      stream = request.signal ? pooled.session.request(headers, { signal: request.signal }) : pooled.session.request(headers);
    } catch (error) {
      pool.release(pooled);
      return Promise.reject(error);
    }
    const body = request.body;
    if (body instanceof Uint8Array) stream.end(body);
    else void writeBody(stream, body);

    return new Promise<WireResponse>(function awaitResponse(resolve, reject) {
      let responded = false;
      // Stays for the stream's life: an error after the response goes to whoever reads the body,
      // and an 'error' without a listener would crash the process.
      stream.on('error', reject);
      stream.once('close', function streamClosed() {
        pool.release(pooled);
        if (!responded) reject(closedEarly(stream));
      });
      stream.once('response', function responseArrived(head: IncomingHttpHeaders & IncomingHttpStatusHeader) {
        responded = true;
        resolve(new H2Response(head[':status'] ?? 0, head, stream));
      });
    });
  }

  return {
    send,
    warmup() {
      return pool.warmup();
    },
    close() {
      return pool.close();
    },
  };
}
