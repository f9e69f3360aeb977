import { GovcError } from '@govc/core';
import { gzipCompression } from '@govc/core/node';
import type { Exchange } from './exchange.js';
import { headerValue } from './handler-context.js';

/**
 * Reads a whole request body, refusing more than `maxBytes` (before reading, by
 * `content-length`, and while reading) and inflating gzip up to `maxInflatedBytes`.
 */
export async function readBody(exchange: Exchange, maxBytes: number, maxInflatedBytes: number): Promise<Uint8Array> {
  const declared = Number(headerValue(exchange.headers['content-length']) ?? Number.NaN);
  if (declared > maxBytes) throw new GovcError('resource_exhausted', `body of ${declared} bytes is over the limit of ${maxBytes}`, { limit: 'message_bytes' });
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of exchange.body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new GovcError('resource_exhausted', `body is over the limit of ${maxBytes} bytes`, { limit: 'message_bytes' });
    chunks.push(chunk);
  }
  const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  const encoding = headerValue(exchange.headers['content-encoding'])?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') return body;
  if (encoding !== 'gzip') throw new GovcError('invalid_argument', `content-encoding ${JSON.stringify(encoding.slice(0, 40))} is not supported; use gzip`);
  return gzipCompression.decompress(body, maxInflatedBytes);
}
