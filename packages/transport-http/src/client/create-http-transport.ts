import { GovcError, govcMethods, type Transport } from '@govc/core';
import { createDnsCache } from '@govc/core/node';
import { createH1WireClient } from './h1-wire-client.js';
import { createH2WireClient } from './h2-wire-client.js';
import { methodPath, type HttpCallRuntime } from './http-call-runtime.js';
import { InFlightCalls } from './in-flight-calls.js';
import { resolveHttpTransportOptions, type HttpTransportOptions } from './http-transport-options.js';
import { errorFromRuntime } from './runtime-errors.js';
import { bidiCall, clientStreamCall, serverStreamCall } from './stream-calls.js';
import { unaryCall } from './unary-call.js';
import type { WireRequest } from './wire-client.js';

function closedError(): GovcError {
  return new GovcError('unavailable', 'transport is closed');
}

/** Yields nothing and fails `unavailable`: a stream call on a closed transport. */
async function* closedStream(): AsyncGenerator<never> {
  throw closedError();
}

/**
 * A `Transport` over the plain HTTP binding (this package's README, byte for byte): HTTP/1.1 on
 * undici's bounded keep-alive pool, or HTTP/2 on `node:http2` multiplexed sessions. One DNS cache
 * serves every connection it opens; every socket has Nagle off and TCP keep-alive on. All four
 * call shapes, deadlines (`govc-timeout-ms`, and a client-side timer), cancellation (the request
 * is reset on the wire), gzip both ways, and backpressure in both directions.
 */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const resolved = resolveHttpTransportOptions(options);
  const lookup = createDnsCache({ ttlMs: resolved.dnsTtlMs });
  const wire = resolved.httpVersion === '2' ? createH2WireClient(resolved, lookup) : createH1WireClient(resolved, lookup);
  const calls = new InFlightCalls();
  const runtime: HttpCallRuntime = { options: resolved, wire, calls };
  let closing: Promise<void> | undefined;

  function healthProbe(): WireRequest {
    return {
      path: methodPath(resolved, govcMethods.Health),
      headers: { 'content-type': resolved.codec.contentType },
      body: resolved.codec.encode(govcMethods.Health.input, {}),
      signal: undefined,
    };
  }

  return {
    unary(method, request, callOptions) {
      if (closing) return Promise.reject(closedError());
      return unaryCall(runtime, method, request, callOptions);
    },
    clientStream(method, requests, callOptions) {
      if (closing) return Promise.reject(closedError());
      return clientStreamCall(runtime, method, requests, callOptions);
    },
    serverStream(method, request, callOptions) {
      if (closing) return closedStream();
      return serverStreamCall(runtime, method, request, callOptions);
    },
    bidi(method, requests, callOptions) {
      if (closing) return closedStream();
      return bidiCall(runtime, method, requests, callOptions);
    },
    async warmup() {
      if (closing) throw closedError();
      calls.start();
      try {
        await wire.warmup(healthProbe());
      } catch (error) {
        throw errorFromRuntime(error);
      } finally {
        calls.end();
      }
    },
    close() {
      closing ??= calls
        .drained()
        .then(() => wire.close())
        .catch((error: unknown) => Promise.reject(errorFromRuntime(error)));
      return closing;
    },
  };
}
