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
        // Enough connections for the 64-in-flight workloads to be in flight at once on HTTP/1.1.
        connections: 64,
      });
      await transport.warmup();
      return { client: createClient(transport), transport, serverPid: server.pid, close: () => transport.close() };
    },
  };
}
