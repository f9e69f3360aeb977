import { createInProcessTransport } from '@govc/core';
import { describeTransportConformance } from '@govc/core/conformance';
import { createGovcService } from '@govc/service';

describeTransportConformance(
  async ({ handler }) => {
    const transport = createInProcessTransport(handler);
    return {
      transport,
      async [Symbol.asyncDispose]() {
        await transport.close();
      },
    };
  },
  // In process, nothing is read ahead of the consumer but the chunk it is handed.
  { name: 'in-process', bidi: true, maxReadAheadBytes: 0 },
  { createService: () => createGovcService() },
);
