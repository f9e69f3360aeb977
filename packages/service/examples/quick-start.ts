import { batching, createClient, createInProcessTransport, retry } from '@govc/core';
import { createGovcService } from '@govc/service';

const client = createClient(createInProcessTransport(createGovcService()), {
  middleware: [retry(), batching()],
});
await client.createRepository({ repo: 'demo' });
const { hash } = await client.commit({
  repo: 'demo',
  branch: 'main',
  message: 'Initial commit',
  author: { name: 'Ada', email: 'ada@example.com' },
  changes: [{ path: 'README.md', content: new TextEncoder().encode('# Demo\n') }],
});
export { client, hash };
