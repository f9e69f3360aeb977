import { GovcError, type AnyMethod, type Codec, type HandlerContext } from '@govc/core';
import { errorFromHandler } from '@govc/core/protocol';
import { gzipCompression, headerValue, readRequestBody, type HttpHeaders } from '@govc/core/node';
import { unaryCodecFor } from '../protocol/wire.js';
import type { ResolvedHttpBindingOptions } from './binding-options.js';
import type { Exchange } from './exchange.js';
import { openHandlerContext } from './handler-context.js';

type UnaryFn = (request: unknown, context: HandlerContext) => Promise<unknown>;

/** Whether the client takes gzip (`accept-encoding`), ignoring q-values but `q=0`. */
export function acceptsGzip(headers: HttpHeaders): boolean {
  const text = headerValue(headers, 'accept-encoding');
  return text !== undefined && /(?:^|,)\s*gzip\s*(?:,|;(?!\s*q=0(?:\.0*)?\s*(?:,|$))|$)/i.test(text);
}

/**
 * Serves a unary call: reads and decodes the body, runs the handler until it answers or the
 * call ends early (deadline, client gone), and writes the response in the `accept` codec,
 * gzipped above the threshold when the client takes it.
 */
export async function serveUnary(exchange: Exchange, method: AnyMethod, fn: UnaryFn, options: ResolvedHttpBindingOptions): Promise<void> {
  const codec = unaryCodecFor(headerValue(exchange.headers, 'content-type'));
  if (!codec) {
    throw new GovcError('invalid_argument', `content-type must be application/json or application/msgpack for ${method.name}`);
  }
  const accept = headerValue(exchange.headers, 'accept');
  const responseCodec: Codec = (accept && unaryCodecFor(accept)) || codec;
  const { context, scope } = openHandlerContext(exchange);
  try {
    const body = await scope.race(readRequestBody(exchange, options));
    const request = codec.decode(method.input, body);
    const response = await scope.race(Promise.resolve(fn(request, context)));
    let payload = responseCodec.encode(method.output, response);
    const headers: Record<string, string | number> = { 'content-type': responseCodec.contentType };
    if (payload.byteLength > options.compressionThreshold && acceptsGzip(exchange.headers)) {
      payload = await gzipCompression.compress(payload);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = payload.byteLength;
    exchange.respond(200, headers);
    exchange.end(payload);
  } catch (error) {
    throw errorFromHandler(error);
  } finally {
    scope.dispose();
  }
}
