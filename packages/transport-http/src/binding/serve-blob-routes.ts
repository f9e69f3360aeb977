import { GovcError, type HandlerContext } from '@govc/core';
import { errorFromHandler } from '@govc/core/protocol';
import type { Exchange } from './exchange.js';
import { headerValue } from '@govc/core/node';
import { openHandlerContext } from './handler-context.js';

type UploadFn = (requests: AsyncIterable<unknown>, context: HandlerContext) => Promise<{ hash: string; size: number }>;
type DownloadFn = (request: unknown, context: HandlerContext) => AsyncIterable<{ data: Uint8Array; size?: number }>;

const encoder = new TextEncoder();

/** `POST /v1/repos/<repo>/blobs`: the raw body streams into UploadBlob; answers `{hash, size}` as JSON. */
export async function serveBlobUpload(exchange: Exchange, repo: string, upload: UploadFn): Promise<void> {
  if (headerValue(exchange.headers, 'content-encoding') !== undefined) {
    throw new GovcError('invalid_argument', 'the raw blob route takes the bytes as they are, without content-encoding');
  }
  const length = headerValue(exchange.headers, 'content-length');
  const size = length === undefined ? undefined : Number(length);
  if (size !== undefined && !Number.isSafeInteger(size)) throw new GovcError('invalid_argument', 'malformed content-length');
  const { context, scope } = openHandlerContext(exchange);
  async function* messages(): AsyncGenerator<unknown> {
    yield size === undefined ? { repo } : { repo, size };
    const iterator = exchange.body[Symbol.asyncIterator]();
    for (;;) {
      const next = await scope.race(iterator.next());
      if (next.done) return;
      yield { data: next.value };
    }
  }
  try {
    const result = await scope.race(upload(messages(), context));
    const body = encoder.encode(JSON.stringify(result));
    exchange.respond(200, { 'content-type': 'application/json', 'content-length': body.byteLength });
    exchange.end(body);
  } finally {
    scope.dispose();
  }
}

/** A parsed `Range: bytes=…` for a body of `size` bytes: `[start, endExclusive]`, `undefined` to send it all, or `'unsatisfiable'`. */
export function parseRange(value: string | undefined, size: number): [number, number] | undefined | 'unsatisfiable' {
  if (value === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined; // several ranges or other units: send it all
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return [Math.max(0, size - suffix), size];
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size : Math.min(size, Number(match[2]) + 1);
  if (start >= size || end <= start) return 'unsatisfiable';
  return [start, end];
}

/**
 * `GET`/`HEAD /v1/repos/<repo>/blobs/<hash>`: the raw bytes, streamed from DownloadBlob as the
 * client reads, with the hash as a strong ETag, immutable caching (`private` with
 * `privateCache`), and single byte ranges.
 */
export async function serveBlobDownload(
  exchange: Exchange,
  repo: string,
  hash: string,
  download: DownloadFn,
  privateCache: boolean,
): Promise<void> {
  const etag = `"${hash}"`;
  // Behind auth a shared cache must neither serve one caller's blob to another nor drop the
  // header that decides: `private`, and `Vary: Authorization` for any cache in between.
  const baseHeaders = {
    etag,
    'cache-control': `${privateCache ? 'private' : 'public'}, max-age=31536000, immutable`,
    'accept-ranges': 'bytes',
    ...(privateCache ? { vary: 'authorization' } : {}),
  };
  const { context, scope } = openHandlerContext(exchange);
  const rangeHeader = headerValue(exchange.headers, 'range');
  const ifNoneMatch = headerValue(exchange.headers, 'if-none-match');
  let iterator: AsyncIterator<{ data: Uint8Array; size?: number }> | undefined;
  try {
    // The first message says whether the blob exists and how big it is.
    iterator = download({ repo, hash }, context)[Symbol.asyncIterator]();
    const first = await scope.race(iterator.next());
    if (first.done || first.value.size === undefined) throw new GovcError('internal', 'download did not report the blob size');
    const size = first.value.size;
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
      exchange.respond(304, baseHeaders);
      exchange.end();
      return;
    }
    const range = parseRange(rangeHeader, size);
    if (range === 'unsatisfiable') {
      exchange.respond(416, { ...baseHeaders, 'content-range': `bytes */${size}` });
      exchange.end();
      return;
    }
    const [start, end] = range ?? [0, size];
    const headers = { ...baseHeaders, 'content-type': 'application/octet-stream', 'content-length': end - start };
    exchange.respond(range ? 206 : 200, range ? { ...headers, 'content-range': `bytes ${start}-${end - 1}/${size}` } : headers);
    if (exchange.method === 'HEAD' || end === start) {
      exchange.end();
      return;
    }
    let sent = 0;
    if (start > 0) {
      // Restart the download at the range's start rather than reading and dropping the head.
      void iterator.return?.();
      iterator = download({ repo, hash, offset: start }, context)[Symbol.asyncIterator]();
    } else {
      sent = await scope.race(writeUpTo(exchange, first.value.data, end, 0));
    }
    while (sent < end - start) {
      const next = await scope.race(iterator.next());
      if (next.done) break;
      sent += await scope.race(writeUpTo(exchange, next.value.data, end - start, sent));
    }
    if (sent < end - start) throw new GovcError('data_loss', `the blob ended after ${sent} of ${end - start} bytes`);
    exchange.end();
  } catch (error) {
    if (exchange.responded) {
      // The length promised will not be met: fail the response so that the client sees an
      // error now, not a connection that waits for the rest.
      exchange.abort();
    }
    throw errorFromHandler(error);
  } finally {
    scope.dispose(true);
    void iterator?.return?.()?.catch(() => undefined);
  }
}

/** Writes as much of `data` as fits in `limit` bytes, `sent` of which went out already; returns what it wrote. */
async function writeUpTo(exchange: Exchange, data: Uint8Array, limit: number, sent: number): Promise<number> {
  const part = data.byteLength > limit - sent ? data.subarray(0, limit - sent) : data;
  await exchange.write(part);
  return part.byteLength;
}
