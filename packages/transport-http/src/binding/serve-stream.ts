import { GovcError, type AnyMethod, type Codec, type HandlerContext } from '@govc/core';
import { EnvelopeReader, encodeEndStream, encodeEnvelope, envelopeFlags, errorFromHandler, type CallScope } from '@govc/core/protocol';
import { gzipCompression, headerValue } from '@govc/core/node';
import { streamCodecFor, streamContentType } from '../protocol/wire.js';
import type { ResolvedHttpBindingOptions } from './binding-options.js';
import type { Exchange } from './exchange.js';
import { openHandlerContext } from './handler-context.js';
import { acceptsGzip } from './serve-unary.js';
import { respondError } from './respond-error.js';

type StreamFn = (request: unknown, context: HandlerContext) => unknown;

/** The request's messages, decoded envelope by envelope as the handler pulls them. */
async function* requestMessages(
  exchange: Exchange,
  method: AnyMethod,
  codec: Codec,
  options: ResolvedHttpBindingOptions,
  scope: CallScope,
): AsyncGenerator<unknown> {
  const reader = new EnvelopeReader(options.maxMessageBytes);
  const iterator = exchange.body[Symbol.asyncIterator]();
  for (;;) {
    const next = await scope.race(iterator.next());
    const envelopes = next.done ? (reader.end(), []) : reader.push(next.value);
    for (const envelope of envelopes) {
      if (envelope.flags & envelopeFlags.endStream) throw new GovcError('invalid_argument', 'a request carries no end-of-stream envelope');
      if (envelope.flags & ~envelopeFlags.compressed)
        throw new GovcError('invalid_argument', `unknown envelope flags 0x${envelope.flags.toString(16)}`);
      const payload =
        envelope.flags & envelopeFlags.compressed
          ? await gzipCompression.decompress(envelope.payload, options.maxInflatedBytes)
          : envelope.payload;
      yield codec.decode(method.input, payload);
    }
    if (next.done) return;
  }
}

/** The one request message of a server stream. */
async function singleMessage(messages: AsyncGenerator<unknown>): Promise<unknown> {
  const first = await messages.next();
  if (first.done) throw new GovcError('invalid_argument', 'a server-streaming call needs exactly one request message');
  const extra = await messages.next();
  if (!extra.done) throw new GovcError('invalid_argument', 'a server-streaming call takes exactly one request message');
  return first.value;
}

/**
 * Serves a streaming call: request envelopes become the handler's input, its output goes out as
 * envelopes written no faster than the client reads, and an end-of-stream envelope carries the
 * final status. An error before the first response message is a plain error response.
 */
export async function serveStream(
  exchange: Exchange,
  method: AnyMethod,
  fn: StreamFn,
  options: ResolvedHttpBindingOptions,
  openStreams: Set<CallScope>,
): Promise<void> {
  const codec = streamCodecFor(headerValue(exchange.headers, 'content-type'));
  if (!codec) {
    throw new GovcError('invalid_argument', `content-type must be application/govc-stream+json or +msgpack for ${method.name}`);
  }
  const gzipOut = acceptsGzip(exchange.headers);
  const { context, scope } = openHandlerContext(exchange);
  openStreams.add(scope);
  const messages = requestMessages(exchange, method, codec, options, scope);
  const head = { 'content-type': streamContentType(codec) };
  const send = async (message: unknown): Promise<void> => {
    let payload = codec.encode(method.output, message);
    let flags = 0;
    if (gzipOut && payload.byteLength > options.compressionThreshold) {
      payload = await gzipCompression.compress(payload);
      flags = envelopeFlags.compressed;
    }
    if (!exchange.responded) exchange.respond(200, head);
    await exchange.write(encodeEnvelope(flags, payload));
  };
  let iterator: AsyncIterator<unknown> | undefined;
  try {
    // Every write is raced with the call's end too: a client that reads slowly must not keep a
    // call past its deadline, and a call that ended early never ends with success.
    if (method.kind === 'client_stream') {
      await scope.race(send(await scope.race(Promise.resolve(fn(messages, context)))));
    } else {
      const input = method.kind === 'server_stream' ? await singleMessage(messages) : messages;
      iterator = (fn(input, context) as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      for (;;) {
        const next = await scope.race(iterator.next());
        if (next.done) break;
        await scope.race(send(next.value));
      }
    }
    if (scope.endedWith) throw scope.endedWith;
    if (!exchange.responded) exchange.respond(200, head);
    exchange.end(encodeEnvelope(envelopeFlags.endStream, encodeEndStream(undefined)));
  } catch (thrown) {
    const error = errorFromHandler(thrown);
    if (!exchange.responded) respondError(exchange, error);
    else exchange.end(encodeEnvelope(envelopeFlags.endStream, encodeEndStream(error)));
    throw error;
  } finally {
    openStreams.delete(scope);
    scope.dispose(true);
    void iterator?.return?.()?.catch(() => undefined);
  }
}
