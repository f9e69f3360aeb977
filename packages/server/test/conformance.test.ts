import { msgpackCodec } from '@govc/core';
import { describeTransportConformance } from '@govc/core/conformance';
import { createGovcService } from '@govc/service';
import { createHttpBinding, createHttpTransport } from '@govc/transport-http';
import { startServer } from './fixtures/test-server.js';

// The whole kit — every method of the service, every call shape and error — through the real
// listener: HTTP/1.1 and h2c on one port. (transport-http's own suite covers every codec and
// compression over plain node servers.)
for (const httpVersion of ['1.1', '2'] as const) {
  describeTransportConformance(
    async ({ handler, methods }) => {
      const server = await startServer({ bindings: [createHttpBinding(handler, { methods })] });
      const transport = createHttpTransport({ baseUrl: server.url, httpVersion, codec: msgpackCodec });
      return {
        transport,
        async [Symbol.asyncDispose]() {
          await transport.close();
          await server[Symbol.asyncDispose]();
        },
      };
    },
    {
      name: `govc server, http/${httpVersion}`,
      bidi: true,
      // HTTP/2: the server's 1 MiB stream window plus buffers; HTTP/1.1: loopback socket buffers.
      maxReadAheadBytes: httpVersion === '2' ? 5 * 1024 * 1024 : 8 * 1024 * 1024,
    },
    { createService: () => createGovcService() },
  );
}
