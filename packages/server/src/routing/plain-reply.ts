import type { ServerResponse } from 'node:http';
import type { ServerHttp2Stream } from 'node:http2';
import type { ErrorCode } from '@govc/core';

/** A small complete response the server writes itself (built-in routes, errors). */
export interface PlainReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** More response headers, lower-case. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An error reply as every govc binding writes one: status + `{"code","message"}` in JSON. */
export function errorReply(status: number, code: ErrorCode, message: string, headers?: Record<string, string>): PlainReply {
  const body = JSON.stringify({ code, message });
  return headers ? { status, contentType: 'application/json', body, headers } : { status, contentType: 'application/json', body };
}

function headersOf(reply: PlainReply): Record<string, string | number> {
  return {
    ...reply.headers,
    'content-type': reply.contentType,
    'content-length': Buffer.byteLength(reply.body),
    'cache-control': 'no-store',
  };
}

/** Writes `reply` as an HTTP/1.1 response (no body for HEAD). */
export function sendHttp1(response: ServerResponse, reply: PlainReply): void {
  if (response.headersSent || response.destroyed) return void response.destroy();
  response.writeHead(reply.status, headersOf(reply));
  response.end(response.req.method === 'HEAD' ? undefined : reply.body);
}

/**
 * Writes `reply` on an HTTP/2 stream (no body for HEAD), then reads and drops whatever request
 * body is still coming, so the stream can close.
 */
export function sendHttp2(stream: ServerHttp2Stream, reply: PlainReply, head: boolean): void {
  if (stream.destroyed || stream.closed) return;
  if (stream.headersSent) return void stream.close();
  stream.respond({ ':status': reply.status, ...headersOf(reply) }, { endStream: head });
  if (!head) stream.end(reply.body);
  stream.resume();
}
