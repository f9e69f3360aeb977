import { createGovcServer, createServerMetrics } from '@govc/server';
import { createGovcService } from '@govc/service';
import { createHttpBinding } from '@govc/transport-http';

const service = createGovcService();
const metrics = createServerMetrics();
const server = createGovcServer({
  port: 0, // any free port; listen() says which
  bindings: [createHttpBinding(service, { observer: metrics.observer })],
  metrics,
});
const { url } = await server.listen();

const reply = await fetch(`${url}/v1/CreateRepository`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ repo: 'demo' }),
});
const created = await reply.json(); // { repo: 'demo', defaultBranch: 'main', createdAt: … }

await server.close(); // stops accepting, lets in-flight calls finish, closes connections
await service.close();

export { created, metrics };
