import { jsonCodec, msgpackCodec, type Codec } from '@govc/core';
import { describeTransportConformance } from '@govc/core/conformance';
import { createGovcService } from '@govc/service';
import { createHttpBinding, createHttpTransport } from '../src/index.js';
import { serveBinding } from './fixtures/binding-server.js';

const versions = ['1.1', '2'] as const;
const codecs: readonly Codec[] = [jsonCodec, msgpackCodec];
const compressions = ['none', 'gzip'] as const;

for (const httpVersion of versions) {
  for (const codec of codecs) {
    for (const compression of compressions) {
      describeTransportConformance(
        async ({ handler, methods }) => {
          const server = await serveBinding(createHttpBinding(handler, { methods }));
          const baseUrl = httpVersion === '2' ? server.http2Url : server.http1Url;
          const transport = createHttpTransport({ baseUrl, httpVersion, codec, compression });
          return {
            transport,
            async [Symbol.asyncDispose]() {
              await transport.close();
              await server[Symbol.asyncDispose]();
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
