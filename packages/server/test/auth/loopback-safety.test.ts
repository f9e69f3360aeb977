import { createHash } from 'node:crypto';
import { createGovcService } from '@govc/service';
import { createHttpBinding } from '@govc/transport-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl, h1, h2, h2Session, rawConnect, sleep, type Reply } from '../fixtures/clients.js';
import { startServer, type TestServer } from '../fixtures/test-server.js';

// A token-less server (the default): what a web page in the user's browser could send it is refused.
let server: TestServer;
let service: ReturnType<typeof createGovcService>;
beforeAll(async () => {
  service = createGovcService();
  server = await startServer({ bindings: [createHttpBinding(service)], allowedOrigins: ['https://app.example'] });
  await service.CreateRepository({ repo: 'r' }, { signal: undefined, deadline: undefined, headers: {}, caller: '' });
});
afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
});

const json = { 'content-type': 'application/json' };
const code = (reply: Reply | { status: number; body: string }) => [reply.status, (JSON.parse(reply.body) as { code: string }).code];
const repos = async () =>
  (await service.ListRepositories({}, { signal: undefined, deadline: undefined, headers: {}, caller: '' })).repos.map((r) => r.repo);

describe('a server without tokens, against web pages', () => {
  it('refuses a foreign Host (DNS rebinding) over HTTP/1.1 and HTTP/2, and keeps serving its own', async () => {
    const post = { method: 'POST', headers: { ...json, host: `evil.example:${server.port}` }, body: '{"repo":"rebound"}' };
    expect(code(await h1(`${server.url}/v1/CreateRepository`, post))).toEqual([403, 'permission_denied']);
    const session = await h2Session(server.url);
    try {
      const rebound = await h2(session, '/v1/CreateRepository', {
        method: 'POST',
        headers: { ...json, ':authority': `evil.example:${server.port}` },
        body: '{"repo":"rebound"}',
      });
      expect(code(rebound)).toEqual([403, 'permission_denied']);
      expect((await h2(session, '/healthz', { headers: { ':authority': `127.0.0.1:${server.port}` } })).status).toBe(200);
    } finally {
      session.close();
    }
    expect((await curl(`${server.url}/healthz`, ['-H', 'Host: 192.168.1.10'])).status).toBe(403);
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`, 'localhost']) {
      expect((await h1(`${server.url}/healthz`, { headers: { host } })).status, host).toBe(200);
    }
    expect(await repos()).toEqual(['r']);
  });

  it('refuses a request with no Host at all', async () => {
    const raw = await rawConnect(server.port);
    raw.socket.write('GET /healthz HTTP/1.0\r\n\r\n');
    await raw.closed();
    expect(raw.received().toString()).toMatch(/^HTTP\/1\.1 403 /);
  });

  it('refuses cross-site simple requests: form and text/plain bodies on mutating routes', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain;charset=UTF-8', 'TEXT/PLAIN']) {
      const created = await h1(`${server.url}/v1/CreateRepository`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: '{"repo":"formed"}',
      });
      expect(code(created), type).toEqual([403, 'permission_denied']);
      const blob = await curl(`${server.url}/v1/repos/r/blobs`, ['-H', `content-type: ${type}`, '--data-binary', 'from a form']);
      expect(code(blob), type).toEqual([403, 'permission_denied']);
    }
    expect(await repos()).toEqual(['r']);
    const formBlob = createHash('sha1').update('blob 11\0from a form').digest('hex');
    const { present } = await service.HasObjects(
      { repo: 'r', hashes: [formBlob] },
      { signal: undefined, deadline: undefined, headers: {}, caller: '' },
    );
    expect(present).toEqual([false]);
  });

  it('refuses a foreign Origin, answers its own and the allowed ones', async () => {
    const call = (origin: string) =>
      h1(`${server.url}/v1/GetRepository`, { method: 'POST', headers: { ...json, origin }, body: '{"repo":"r"}' });
    expect(code(await call('https://evil.example'))).toEqual([403, 'permission_denied']);
    expect(code(await call(`http://localhost:${server.port + 1}`))).toEqual([403, 'permission_denied']);
    expect((await call(`http://127.0.0.1:${server.port}`)).status).toBe(200);
    expect((await call('https://app.example')).status).toBe(200);
  });

  it('answers CORS only for an allowed origin: preflight, then a readable response, over HTTP/1.1 and HTTP/2', async () => {
    const preflight = {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    };
    const ok = await h1(`${server.url}/v1/GetRepository`, preflight);
    expect(ok.status).toBe(200);
    expect(ok.headers).toMatchObject({ 'access-control-allow-origin': 'https://app.example', vary: 'origin' });
    expect(String(ok.headers['access-control-allow-headers'])).toContain('authorization');
    const call = await h1(`${server.url}/v1/GetRepository`, {
      method: 'POST',
      headers: { ...json, origin: 'https://app.example' },
      body: '{"repo":"r"}',
    });
    expect(call.status).toBe(200);
    expect(call.headers['access-control-allow-origin']).toBe('https://app.example');
    const session = await h2Session(server.url);
    try {
      const h2Call = await h2(session, '/v1/GetRepository', {
        method: 'POST',
        headers: { ...json, origin: 'https://app.example' },
        body: '{"repo":"r"}',
      });
      expect([h2Call.status, h2Call.headers['access-control-allow-origin']]).toEqual([200, 'https://app.example']);
      const h2Preflight = await h2(session, '/v1/GetRepository', { method: 'OPTIONS', headers: preflight.headers });
      expect([h2Preflight.status, h2Preflight.headers['access-control-allow-methods']]).toEqual([200, 'GET, HEAD, POST']);
    } finally {
      session.close();
    }
    // Another origin gets no CORS headers (and, without tokens, is refused).
    const foreign = await h1(`${server.url}/v1/GetRepository`, {
      ...preflight,
      headers: { ...preflight.headers, origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    // A same-origin call needs no CORS headers.
    expect((await h1(`${server.url}/healthz`)).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses an upgrade from a foreign Origin', async () => {
    const raw = await rawConnect(server.port);
    raw.socket.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nOrigin: https://evil.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`,
    );
    for (let i = 0; i < 100 && !raw.received().includes('\r\n\r\n'); i++) await sleep(10);
    expect(raw.received().toString()).toMatch(/^HTTP\/1\.1 403 /);
    raw.socket.destroy();
  });
});
