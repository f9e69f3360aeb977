import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { GovcError } from '../errors/govc-error.js';
import { gzipCompression } from './compression.js';
import { headerValue, type HttpHeaders } from './header-value.js';

/** A request as a server binding reads it: its headers and its body, chunk by chunk. */
export interface IncomingBody {
  readonly headers: IncomingHttpHeaders;
  readonly body: AsyncIterable<Uint8Array>;
}

/** How much of a request body a server takes. */
export interface RequestBodyLimits {
  /** Bytes on the wire. */
  readonly maxMessageBytes: number;
  /** Bytes after inflating a gzip body. */
  readonly maxInflatedBytes: number;
}

/**
 * Reads a whole request body, refusing more than `maxMessageBytes` (before reading, by
 * `content-length`, and while reading) and inflating gzip up to `maxInflatedBytes`; any other
 * `content-encoding` is `invalid_argument`.
 */
export async function readRequestBody(request: IncomingBody, limits: RequestBodyLimits): Promise<Uint8Array> {
  const maxBytes = limits.maxMessageBytes;
  const declared = Number(headerValue(request.headers, 'content-length') ?? Number.NaN);
  if (declared > maxBytes)
    throw new GovcError('resource_exhausted', `body of ${declared} bytes is over the limit of ${maxBytes}`, { limit: 'message_bytes' });
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.byteLength;
    if (size > maxBytes)
      throw new GovcError('resource_exhausted', `body is over the limit of ${maxBytes} bytes`, { limit: 'message_bytes' });
    chunks.push(chunk);
  }
  const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  const encoding = headerValue(request.headers, 'content-encoding')?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') return body;
  if (encoding !== 'gzip')
    throw new GovcError('invalid_argument', `content-encoding ${JSON.stringify(encoding.slice(0, 40))} is not supported; use gzip`);
  return gzipCompression.decompress(body, limits.maxInflatedBytes);
}

/** A response as a client reads it: its headers, its body stream, and a way to abandon it. */
export interface ResponseBody {
  readonly headers: HttpHeaders;
  /** Reading it pulls from the connection. */
  readonly body: Readable;
  /** Abandons the call: resets its HTTP/2 stream or drops its HTTP/1.1 connection. */
  cancel(): void;
}

function tooLarge(bytes: number, maxBytes: number): GovcError {
  return new GovcError('resource_exhausted', `response body of ${bytes} bytes is over the limit of ${maxBytes}`);
}

// Every unary call reads a body: its listeners are module functions that find their state on the
// stream, so a call allocates no closures for them.
const kCollector = Symbol('govc.bodyCollector');

type Tagged = Readable & { [kCollector]?: BodyCollector };

/** One body being read: its chunks so far, and how the read ends. */
class BodyCollector {
  readonly chunks: Buffer[] = [];
  total = 0;
  // Once settled, the body is done with: its listeners are left to go with it.
  settled = false;

  constructor(
    readonly response: ResponseBody,
    readonly maxBytes: number,
    readonly resolve: (bytes: Uint8Array) => void,
    readonly reject: (error: unknown) => void,
  ) {}

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
}

function onBodyData(this: Tagged, chunk: Buffer): void {
  const collector = this[kCollector]!;
  if (collector.settled) return;
  collector.total += chunk.byteLength;
  if (collector.total > collector.maxBytes) {
    collector.fail(tooLarge(collector.total, collector.maxBytes));
    collector.response.cancel();
    return;
  }
  collector.chunks.push(chunk);
}

function onBodyEnd(this: Tagged): void {
  const collector = this[kCollector]!;
  if (collector.settled) return;
  collector.settled = true;
  const { chunks, total } = collector;
  collector.resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
}

function onBodyError(this: Tagged, error: Error): void {
  this[kCollector]!.fail(error);
}

function onBodyClose(this: Tagged): void {
  const collector = this[kCollector]!;
  if (!collector.settled) collector.fail(new GovcError('unavailable', 'response body ended early'));
}

/**
 * Reads a whole response body, refusing more than `maxBytes`: a body over the limit cancels the
 * call and is `resource_exhausted` (by its `content-length` before any of it is read); a body cut
 * off by the peer is `unavailable`, or the error its stream reports.
 */
export function readResponseBody(response: ResponseBody, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(headerValue(response.headers, 'content-length'));
  if (declared > maxBytes) {
    response.cancel();
    return Promise.reject(tooLarge(declared, maxBytes));
  }
  const body = response.body as Tagged;
  return new Promise<Uint8Array>((resolve, reject) => {
    body[kCollector] = new BodyCollector(response, maxBytes, resolve, reject);
    body.on('data', onBodyData).on('end', onBodyEnd).on('error', onBodyError).on('close', onBodyClose);
  });
}
