import { createClient, GovcError, type ServiceHandler } from '@govc/core';
import { createGovcService } from '@govc/service';
import { describe, expect, it } from 'vitest';
import { createHttpBinding, createHttpTransport } from '../../src/index.js';
import { serveBinding } from '../fixtures/binding-server.js';

// A client stream refused after its first message gets its answer before the client finished
// sending. Over HTTP/2 the request's unread rest once held the server's stream open, so the
// client's session (which a close lets finish) never closed: close() hung.
describe.each(['1.1', '2'] as const)('a client stream refused before it was sent whole, HTTP/%s', (httpVersion) => {
  it('gets the error, and the transport still closes at once', async () => {
    const service = createGovcService();
    const handler = {
      ...service,
      async UploadBlob(requests: AsyncIterable<unknown>) {
        await requests[Symbol.asyncIterator]().next();
        throw new GovcError('permission_denied', 'not you');
      },
    } as ServiceHandler;
    await using server = await serveBinding(createHttpBinding(handler));
    const transport = createHttpTransport({ baseUrl: httpVersion === '2' ? server.http2Url : server.http1Url, httpVersion });
    const client = createClient(transport);
    await client.health({}); // a session that is already up sends the whole request at once
    async function* upload() {
      yield { repo: 'r', size: 6 };
      yield { data: new TextEncoder().encode('abc') };
      yield { data: new TextEncoder().encode('def') };
    }
    await expect(client.uploadBlob(upload())).rejects.toMatchObject({
      code: 'permission_denied',
      message: expect.stringContaining('not you'),
    });
    // Still usable, then closes without waiting out anything.
    expect((await client.health({})).status).toBe('SERVING');
    const started = Date.now();
    await transport.close();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
