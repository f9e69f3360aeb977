import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import type { LookupFunction } from '@govc/core/node';
import type { ResolvedHttpTransportOptions } from './http-transport-options.js';
import { resolveHost } from './resolve-host.js';
import type { WireClient, WireHeaders, WireRequest, WireResponse } from './wire-client.js';

function ignore(): void {}

class H1Response implements WireResponse {
  constructor(
    readonly status: number,
    readonly headers: WireHeaders,
    readonly body: Readable,
  ) {}

  cancel(): void {
    // Destroying undici's body aborts the request, which drops the connection (HTTP/1.1 has no
    // other way); the abort error it emits has no reader left.
    this.body.on('error', ignore).destroy();
  }
}

/**
 * HTTP/1.1 on a bounded undici `Pool` of keep-alive connections, one call per connection at a
 * time (no pipelining: a slow call would hold up the ones behind it). Requests go through
 * `pool.request()`, undici's lowest-overhead promise API (`fetch` measured 6–8× slower per call).
 * Request bodies given as iterables are written with backpressure by undici itself: it pulls the
 * next chunk only after the socket took the previous one. Undici also reads a response while the
 * request body is still being written, so bidi calls interleave against a server that answers as
 * it reads (as the govc binding does).
 */
export function createH1WireClient(options: ResolvedHttpTransportOptions, lookup: LookupFunction): WireClient {
  const pool = new Pool(options.origin, {
    connections: options.connections,
    pipelining: 1,
    // Deadlines bound calls; a quiet WatchRefs stream must not be cut off by an idle-body timer.
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: {
      lookup,
      noDelay: true,
      keepAlive: true,
      keepAliveInitialDelay: options.keepAliveInitialDelayMs,
      ...(options.secure ? { ca: options.ca, rejectUnauthorized: options.rejectUnauthorized } : {}),
    },
  });

  async function send(request: WireRequest): Promise<WireResponse> {
    const response = await pool.request({
      path: request.path,
      method: 'POST',
      headers: request.headers,
      // undici writes async iterables with backpressure (client-h1 `writeIterable`); its types list only Readable.
      body: request.body as Uint8Array,
      signal: request.signal,
    });
    return new H1Response(response.statusCode, response.headers, response.body);
  }

  return {
    send,
    async warmup(probe) {
      await resolveHost(lookup, options.host);
      // One request per connection at once makes the pool open all of them; statuses do not matter.
      const requests = Array.from({ length: options.connections }, async function openConnection() {
        const response = await send(probe);
        response.body.resume();
        await new Promise<void>((resolve) => response.body.once('close', resolve));
      });
      await Promise.all(requests);
    },
    close() {
      return pool.close();
    },
  };
}
