import { createServer as createHttp1Server, type Server as Http1Server } from 'node:http';
import { createServer as createHttp2Server, type Http2Server } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { jsonCodec, msgpackCodec, type Codec } from '@govc/core';
import { describeTransportConformance } from '@govc/core/conformance';
import type { HttpBinding } from '@govc/core/node';
import { createGovcService } from '@govc/service';
import { createHttpBinding, createHttpTransport } from '../src/index.js';

/** Serves `binding` on 127.0.0.1, port 0, over HTTP/1.1 or cleartext HTTP/2; anything else is 404. */
async function listen(binding: HttpBinding, httpVersion: '1.1' | '2'): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Http1Server | Http2Server;
  if (httpVersion === '2') {
    const h2 = createHttp2Server();
    h2.on('stream', (stream, headers) => {
      const path = String(headers[':path'] ?? '/').split('?')[0]!;
      if (binding.handles(path, headers)) return binding.serveHttp2!(stream, headers);
      stream.respond({ ':status': 404 });
      stream.end();
    });
    server = h2;
  } else {
    server = createHttp1Server((request, response) => {
      const path = (request.url ?? '/').split('?')[0]!;
      if (binding.handles(path, request.headers)) return binding.serveHttp1!(request, response);
      response.writeHead(404).end();
    });
  }
  server.on('connection', (socket: Socket) => {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

const versions = ['1.1', '2'] as const;
const codecs: readonly Codec[] = [jsonCodec, msgpackCodec];
const compressions = ['none', 'gzip'] as const;

for (const httpVersion of versions) {
  for (const codec of codecs) {
    for (const compression of compressions) {
      describeTransportConformance(
        async ({ handler, methods }) => {
          const server = await listen(createHttpBinding(handler, { methods }), httpVersion);
          const transport = createHttpTransport({ baseUrl: server.url, httpVersion, codec, compression });
          return {
            transport,
            async [Symbol.asyncDispose]() {
              await transport.close();
              await server.close();
            },
          };
        },
        {
          name: `http/${httpVersion} ${codec.name}${compression === 'gzip' ? ' gzip' : ''}`,
          // HTTP/1.1 too: undici reads the response while it still writes the request, and the
          // binding answers each message as it reads it, so bidi messages interleave.
          bidi: true,
          // Bytes a stopped reader lets the server run ahead: HTTP/2, the 4 MiB stream window and
          // the stream's buffers; HTTP/1.1, loopback socket buffers on both sides.
          maxReadAheadBytes: httpVersion === '2' ? 5 * 1024 * 1024 : 8 * 1024 * 1024,
        },
        { createService: () => createGovcService() },
      );
    }
  }
}
