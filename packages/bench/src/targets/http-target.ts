import { createClient, jsonCodec, msgpackCodec } from '@govc/core';
import { createHttpTransport } from '@govc/transport-http';
import { allVariants, type Target } from './target.js';

/** Our HTTP/1.1 or HTTP/2 transport (`@govc/transport-http`) to the `govc serve` child. */
export function httpTarget(httpVersion: '1.1' | '2'): Target {
  return {
    name: httpVersion === '2' ? 'http2' : 'http1',
    about:
      httpVersion === '2'
        ? 'createHttpTransport over HTTP/2 (node:http2 sessions, h2c) to govc serve'
        : "createHttpTransport over HTTP/1.1 (undici's keep-alive pool) to govc serve",
    remote: true,
    variants: allVariants,
    async connect(variant, server) {
      if (!server) throw new Error('the HTTP targets call a govc serve process');
      const transport = createHttpTransport({
        baseUrl: server.url,
        httpVersion,
        codec: variant.codec === 'json' ? jsonCodec : msgpackCodec,
        compression: variant.gzip ? 'gzip' : 'none',
        // HTTP/1.1 carries one call per connection: room for WatchRefs fan-out's 100 open streams.
        // No other workload has more than 64 calls in flight, so they use at most 64 connections,
        // like the bare undici pool they are compared with.
        connections: 128,
      });
      await transport.warmup();
      return { client: createClient(transport), transport, serverPid: server.pid, close: () => transport.close() };
    },
  };
}
