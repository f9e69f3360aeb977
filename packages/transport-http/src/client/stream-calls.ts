import { GovcError, type AnyMethod, type CallOptions } from '@govc/core';
import { headerValue } from '@govc/core/node';
import { decodeEndStream, EnvelopeReader, envelopeFlags } from '@govc/core/protocol';
import { streamCodecFor, streamContentType } from '../protocol/wire.js';
import { CallLimit } from './call-limit.js';
import { decodeResponse, inflateResponse } from './decode-response.js';
import { methodPath, type HttpCallRuntime } from './http-call-runtime.js';
import { messageEnvelope, RequestEnvelopes } from './request-envelopes.js';
import { requestHeaders } from './request-headers.js';
import { errorFromResponse } from './response-error.js';
import { errorFromRuntime } from './runtime-errors.js';
import type { WireResponse } from './wire-client.js';

/** The flag bits a response envelope may carry (README, "Streaming methods"). */
const knownResponseFlags = envelopeFlags.compressed | envelopeFlags.endStream;

/** The request body of a streaming call: one envelope made up front, or the caller's stream. */
type BodyMaker = (runtime: HttpCallRuntime) => Promise<Uint8Array> | RequestEnvelopes;

/** The end-of-stream envelope once it arrived: the stream's error, or `undefined` for success. */
interface StreamEnd {
  readonly error: GovcError | undefined;
}

/**
 * One streaming call (README "Streaming methods"): the request body as envelopes, the response's
 * envelopes decoded and yielded one at a time as the consumer pulls, so a slow consumer leaves
 * the rest on the wire (flow control stops the server). The end-of-stream envelope's error is
 * thrown; a body that ends without one is `unavailable`; a non-200 response is the error its body
 * names. A consumer that stops early, an abort or the deadline resets the request.
 */
async function* streamExchange(
  runtime: HttpCallRuntime,
  method: AnyMethod,
  makeBody: BodyMaker,
  call: CallOptions | undefined,
): AsyncGenerator<unknown> {
  const limit = CallLimit.open(call);
  let envelopes: RequestEnvelopes | undefined;
  let response: WireResponse | undefined;
  let bodyRead = false;
  runtime.calls.start();
  try {
    if (limit?.error) throw limit.error;
    const options = runtime.options;
    const made = makeBody(runtime);
    const body = made instanceof RequestEnvelopes ? (envelopes = made) : await made;
    const headers = requestHeaders(streamContentType(options.codec), options, call, limit);
    response = await runtime.wire.send({ path: methodPath(options, method), headers, body, signal: limit?.signal });
    if (response.status !== 200) {
      const error = await errorFromResponse(response);
      bodyRead = true;
      throw error;
    }
    const contentType = headerValue(response.headers, 'content-type');
    const codec = streamCodecFor(contentType);
    if (!codec) throw new GovcError('internal', `unexpected response content-type ${JSON.stringify(contentType ?? '')}`);
    const reader = new EnvelopeReader(options.maxMessageBytes);
    let end: StreamEnd | undefined;
    // Not destroyed on an early exit: `finally` resets the request the way its runtime should.
    for await (const chunk of response.body.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>) {
      for (const envelope of reader.push(chunk)) {
        if (end) throw new GovcError('internal', 'response data after the end-of-stream message');
        if (envelope.flags & ~knownResponseFlags)
          throw new GovcError('internal', `unknown response envelope flags 0x${envelope.flags.toString(16)}`);
        const payload =
          envelope.flags & envelopeFlags.compressed ? await inflateResponse(envelope.payload, options.maxMessageBytes) : envelope.payload;
        if (envelope.flags & envelopeFlags.endStream) {
          // Read on to the body's end, so an HTTP/1.1 connection stays reusable.
          end = { error: decodeEndStream(payload) };
          continue;
        }
        yield decodeResponse(codec, method.output, payload);
        // The consumer may have aborted while it held the message.
        if (limit?.error) throw limit.error;
      }
    }
    bodyRead = true;
    if (!end) {
      if (reader.buffered > 0) throw new GovcError('internal', `response ended inside an envelope (${reader.buffered} bytes left over)`);
      throw new GovcError('unavailable', 'response ended without an end-of-stream message');
    }
    if (end.error) throw end.error;
  } catch (error) {
    throw limit?.error ?? envelopes?.error ?? errorFromRuntime(error);
  } finally {
    limit?.dispose();
    envelopes?.stop();
    if (!bodyRead) response?.cancel();
    runtime.calls.end();
  }
}

/** A server-streaming call: exactly one request envelope, then the response's messages. */
export function serverStreamCall(
  runtime: HttpCallRuntime,
  method: AnyMethod,
  request: unknown,
  call: CallOptions | undefined,
): AsyncIterable<unknown> {
  return streamExchange(
    runtime,
    method,
    function oneEnvelope({ options }) {
      return messageEnvelope(options, method.input, request);
    },
    call,
  );
}

/** A bidi call: the caller's messages stream out while the response's stream in. */
export function bidiCall(
  runtime: HttpCallRuntime,
  method: AnyMethod,
  requests: AsyncIterable<unknown>,
  call: CallOptions | undefined,
): AsyncIterable<unknown> {
  return streamExchange(
    runtime,
    method,
    function callerEnvelopes({ options }) {
      return new RequestEnvelopes(requests, method.input, options);
    },
    call,
  );
}

/** A client-streaming call: the caller's messages stream out; the response is exactly one message. */
export async function clientStreamCall(
  runtime: HttpCallRuntime,
  method: AnyMethod,
  requests: AsyncIterable<unknown>,
  call: CallOptions | undefined,
): Promise<unknown> {
  let reply: unknown;
  let count = 0;
  for await (const message of bidiCall(runtime, method, requests, call)) {
    reply = message;
    count++;
  }
  if (count !== 1) throw new GovcError('internal', `client stream answered with ${count} messages, not one`);
  return reply;
}
