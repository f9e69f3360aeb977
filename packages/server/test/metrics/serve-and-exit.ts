/**
 * Run as a child process by runtime-monitor.test.ts: starts a server, scrapes it, closes it, and
 * leaves a second set of runtime monitors started and never stopped. The process must then end
 * on its own: nothing the metrics start may hold it open.
 */
import { get } from 'node:http';
import { createGovcServer, createServerMetrics } from '../../src/index.js';

const server = createGovcServer();
const { url } = await server.listen();
const body = await new Promise<string>((resolve, reject) => {
  get(`${url}/metrics`, { agent: false }, (response) => {
    let text = '';
    response.on('data', (chunk: Buffer) => (text += chunk.toString()));
    response.on('end', () => resolve(text));
  }).on('error', reject);
});
await server.close();
createServerMetrics().runtime.start();
process.stdout.write(body.includes('# TYPE nodejs_gc_duration_seconds histogram') ? 'closed\n' : 'no runtime series\n');
