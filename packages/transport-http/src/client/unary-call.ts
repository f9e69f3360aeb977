import { GovcError, type AnyMethod, type CallOptions } from '@govc/core';
import { gzipCompression, headerValue, readResponseBody } from '@govc/core/node';
import { unaryCodecFor } from '../protocol/wire.js';
import { CallLimit } from './call-limit.js';
import { decodeResponse, inflateResponse } from './decode-response.js';
import { methodPath, type HttpCallRuntime } from './http-call-runtime.js';
import { requestHeaders } from './request-headers.js';
import { errorFromResponse } from './response-error.js';
import { errorFromRuntime } from './runtime-errors.js';

/**
 * One unary call (README "Unary methods"): the request in the codec, gzip-compressed above the
 * threshold when compression is on; a `200` is decoded by its `content-type` (inflated, capped,
 * when gzip), anything else is the error its body names. A call past its deadline or aborted by
 * its caller is `deadline_exceeded` / `canceled`, whatever the wire said meanwhile.
 */
export async function unaryCall(
  runtime: HttpCallRuntime,
  method: AnyMethod,
  request: unknown,
  call: CallOptions | undefined,
): Promise<unknown> {
  const limit = CallLimit.open(call);
  runtime.calls.start();
  try {
    if (limit?.error) throw limit.error;
    const options = runtime.options;
    const codec = options.codec;
    let body = codec.encode(method.input, request);
    const headers = requestHeaders(codec.contentType, options, call, limit);
    const compression = options.compression;
    if (compression && body.byteLength > options.compressionThreshold) {
      body = await compression.compress(body);
      headers['content-encoding'] = compression.name;
    }
    const response = await runtime.wire.send({ path: methodPath(options, method), headers, body, signal: limit?.signal });
    if (response.status !== 200) throw await errorFromResponse(response);
    const contentType = headerValue(response.headers, 'content-type');
    const responseCodec = contentType === codec.contentType ? codec : unaryCodecFor(contentType);
    if (!responseCodec) {
      response.cancel();
      throw new GovcError('internal', `unexpected response content-type ${JSON.stringify(contentType ?? '')}`);
    }
    let bytes = await readResponseBody(response, options.maxMessageBytes);
    const encoding = headerValue(response.headers, 'content-encoding');
    if (encoding === gzipCompression.name) bytes = await inflateResponse(bytes, options.maxMessageBytes);
    else if (encoding !== undefined && encoding !== 'identity')
      throw new GovcError('internal', `unexpected response content-encoding ${encoding}`);
    return decodeResponse(responseCodec, method.output, bytes);
  } catch (error) {
    throw limit?.error ?? errorFromRuntime(error);
  } finally {
    limit?.dispose();
    runtime.calls.end();
  }
}
