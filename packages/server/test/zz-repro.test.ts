import { createClient, type ServiceHandler } from '@govc/core';
import { createGovcService } from '@govc/service';
import { createHttpBinding, createHttpTransport } from '@govc/transport-http';
import { expect, it } from 'vitest';
import { startServer } from './fixtures/test-server.js';

for (const variant of ['return', 'noreturn'] as const)
it(`closes after a client stream whose request iterator was ${variant}ed, h2`, async () => {
  const service = createGovcService();
  const handler = { ...service, async UploadBlob(requests: AsyncIterable<unknown>) {
    const it = requests[Symbol.asyncIterator]();
    await it.next();
    if (variant === 'return') await it.return?.();
    throw Object.assign(new Error('no'), {});
  } } as unknown as ServiceHandler;
  await using server = await startServer({ bindings: [createHttpBinding(handler)] });
  const transport = createHttpTransport({ baseUrl: server.url, httpVersion: '2' });
  const client = createClient(transport);
  await client.health({});
  await expect(client.uploadBlob((async function* () { yield { repo: 'missing', size: 3 }; yield { data: new Uint8Array(3) }; })())).rejects.toBeDefined();
  const t0 = Date.now();
  await transport.close();
  console.log(variant, 'closed in', Date.now() - t0);
}, 4000);
