import { createClient, createInProcessTransport, type ServiceHandler } from '@govc/core';
import { createGovcService } from '@govc/service';
import type { Target } from './target.js';

/**
 * The "direct" row: the service in this process, called through the in-process transport, with
 * no codec and no network. `createService` and `name` let the bench's tests run a deliberately
 * broken service as a target of its own (the product has no such hook).
 */
export function inProcessTarget(
  createService: () => ServiceHandler & { close(): Promise<void> } = createGovcService,
  name = 'in-process',
): Target {
  return {
    name,
    about: 'the service in the bench process, through the in-process transport: no codec, no network',
    remote: false,
    variants: [{ codec: 'msgpack', gzip: false }],
    async connect() {
      const service = createService();
      const transport = createInProcessTransport(service);
      return {
        client: createClient(transport),
        transport,
        serverPid: process.pid,
        async close() {
          await transport.close();
          await service.close();
        },
      };
    },
  };
}
