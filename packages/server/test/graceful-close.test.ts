import { Agent, request } from 'node:http';
import { GovcError, createClient, msgpackCodec } from '@govc/core';
import { createGovcService } from '@govc/service';
import { createHttpBinding, createHttpTransport } from '@govc/transport-http';
import { describe, expect, it } from 'vitest';
import { createGovcServer } from '../src/index.js';
import { h1, h2, h2Session, rawConnect, sleep } from './fixtures/clients.js';
import { echoBinding } from './fixtures/echo-binding.js';
import { startServer } from './fixtures/test-server.js';

/** Whether a new TCP connection to `port` is refused. */
async function refused(port: number): Promise<boolean> {
  return rawConnect(port).then(
    (raw) => {
      raw.socket.destroy();
      return false;
    },
    (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED',
  );
}

describe('graceful close', () => {
  it('lets an in-flight HTTP/1.1 request finish, says Connection: close, and stops accepting', async () => {
    await using s = await startServer({ bindings: [echoBinding()] });
    const inFlight = h1(`${s.url}/echo/slow`, { method: 'POST', body: 'finish me', headers: { 'x-delay-ms': '300' } });
    await sleep(50);
    const closed = s.server.close();
    await sleep(20);
    expect(await refused(s.port)).toBe(true);
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(reply.headers.connection).toBe('close');
    expect(JSON.parse(reply.body)).toMatchObject({ body: 'finish me' });
    await closed;
  });

  it('lets an in-flight HTTP/2 stream finish after GOAWAY', async () => {
    await using s = await startServer({ bindings: [echoBinding()] });
    const session = await h2Session(s.url);
    const goaway = new Promise<void>((resolve) => session.once('goaway', () => resolve()));
    const inFlight = h2(session, '/echo/slow', { headers: { 'x-delay-ms': '300' } });
    await sleep(50);
    const closed = s.server.close();
    await goaway;
    expect((await inFlight).status).toBe(200);
    await closed;
    session.destroy();
  });

  it('closes idle keep-alive connections at once rather than waiting for the grace period', async () => {
    await using s = await startServer({ timeouts: { shutdownMs: 5_000 } });
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      request(`${s.url}/healthz`, { agent }, (response) => response.resume().on('end', resolve))
        .on('error', reject)
        .end();
    });
    const session = await h2Session(s.url);
    await h2(session, '/healthz');
    const idle = await rawConnect(s.port); // still sniffing: it has sent nothing
    const started = performance.now();
    await s.server.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    await idle.closed();
    agent.destroy();
    session.destroy();
  });

  it('cuts what is still running after the grace period', async () => {
    await using s = await startServer({ bindings: [echoBinding()], timeouts: { shutdownMs: 200 } });
    const outcome = (reply: Promise<unknown>) =>
      reply.then(
        () => 'answered',
        () => 'cut',
      );
    const hung = outcome(h1(`${s.url}/echo/hang`, { headers: { 'x-hang': '1' } }));
    const session = await h2Session(s.url);
    const hungStream = outcome(h2(session, '/echo/hang', { headers: { 'x-hang': '1' } }));
    await sleep(50);
    const started = performance.now();
    await s.server.close();
    expect(performance.now() - started).toBeLessThan(1_500);
    expect([await hung, await hungStream]).toEqual(['cut', 'cut']);
    session.destroy();
  });

  it('does not stay listening when closed while listen() is under way', async () => {
    const server = createGovcServer();
    const listening = server.listen();
    await server.close();
    await expect(listening).rejects.toThrow('closed while it started listening');
    expect(server.address).toBeUndefined();
  });

  it('is idempotent, and a closed server cannot listen again', async () => {
    const s = await startServer();
    const closed = s.server.close();
    expect(s.server.close()).toBe(closed);
    await closed;
    await expect(s.server.listen()).rejects.toThrow('the server is closed');
  });
});

describe('graceful close with endless streams', () => {
  it('ends open watches with unavailable instead of waiting for the grace period', async () => {
    const service = createGovcService();
    const s = await startServer({ bindings: [createHttpBinding(service)], timeouts: { shutdownMs: 5_000 } });
    const transport = createHttpTransport({ baseUrl: s.url, httpVersion: '2', codec: msgpackCodec });
    const client = createClient(transport);
    await client.createRepository({ repo: 'watched' });
    const watch = client.watchRefs({ repo: 'watched' })[Symbol.asyncIterator]();
    const next = watch.next().catch((error: unknown) => error);
    await sleep(100);
    const started = Date.now();
    await s.server.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    const ended = await next;
    expect(ended).toBeInstanceOf(GovcError);
    expect((ended as GovcError).code).toBe('unavailable');
    await transport.close();
    await service.close();
  });
});
