import { createClient, type ServiceHandler } from '@govc/core';
import { createGovcService } from '@govc/service';
import { createHttpBinding, createHttpTransport } from '@govc/transport-http';
import { expect, it } from 'vitest';
import { within } from './fixtures/hostile-wire.js';
import { startServer } from './fixtures/test-server.js';

/**
 * Regression: a handler that fails an upload after reading one message, having closed its
 * request iterator or simply abandoned it, left the request half read; the HTTP/2 stream then
 * stayed open and the client's close() waited for it. close() must settle promptly either way
 * (it is a hang check: the bound is far above the milliseconds it takes).
 */
for (const variant of ['closed', 'abandoned'] as const) {
  it(`HTTP/2: close() settles after an upload whose handler ${variant} its request iterator`, async () => {
    const service = createGovcService();
    const handler = {
      ...service,
      async UploadBlob(requests: AsyncIterable<unknown>) {
        const iterator = requests[Symbol.asyncIterator]();
        await iterator.next();
        if (variant === 'closed') await iterator.return?.();
        throw new Error('refused after the first message');
      },
    } as unknown as ServiceHandler;
    await using server = await startServer({ bindings: [createHttpBinding(handler)] });
    const transport = createHttpTransport({ baseUrl: server.url, httpVersion: '2' });
    const client = createClient(transport);
    await client.health({});
    async function* upload() {
      yield { repo: 'any', size: 3 };
      yield { data: new Uint8Array(3) };
    }
    await expect(client.uploadBlob(upload())).rejects.toMatchObject({ code: 'internal' });
    await within(2_000, 'transport.close()', transport.close());
  });
}
