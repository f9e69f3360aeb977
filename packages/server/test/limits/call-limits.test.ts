import { gzipSync } from 'node:zlib';
import { createGovcService } from '@govc/service';
import { createHttpBinding } from '@govc/transport-http';
import { describe, expect, it, vi } from 'vitest';
import { createCallLog, observeAll } from '../../src/logging/call-log.js';
import { createServerMetrics } from '../../src/index.js';
import { h1, h2, h2Session } from '../fixtures/clients.js';
import { startServer } from '../fixtures/test-server.js';

const json = { 'content-type': 'application/json' };

describe('call limits, their metrics and the call log', () => {
  it('counts each limit a call hits, and logs one JSON line per call without headers or bodies', async () => {
    const metrics = createServerMetrics();
    const lines: string[] = [];
    const observer = observeAll(
      metrics.observer,
      createCallLog(
        (line) => lines.push(line),
        () => 0,
      ),
    );
    const service = createGovcService();
    await using s = await startServer({
      metrics,
      bindings: [createHttpBinding(service, { observer, maxMessageBytes: 16_384, maxInflatedBytes: 200_000 })],
    });
    const call = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
      h1(`${s.url}/v1/${path}`, {
        method: 'POST',
        headers: { ...json, authorization: 'Bearer secret-token-never-logged', ...headers },
        body: body as string,
      });

    expect((await call('CreateRepository', '{"repo":"r"}')).status).toBe(200);
    expect((await call('StoreBlob', JSON.stringify({ repo: 'r', content: Buffer.alloc(30_000).toString('base64') }))).status).toBe(429);
    const bomb = gzipSync(Buffer.from(JSON.stringify({ repo: 'r', content: Buffer.alloc(300_000).toString('base64') })));
    expect(bomb.length).toBeLessThan(16_384);
    expect((await call('StoreBlob', bomb, { 'content-encoding': 'gzip' })).status).toBe(429);
    const tooMany = {
      repo: 'r',
      operations: Array.from({ length: 1_001 }, (_, i) => ({ id: String(i), method: 'GetRepository', request: {} })),
    };
    const gzipped = gzipSync(Buffer.from(JSON.stringify(tooMany)));
    expect((await call('BatchOperations', gzipped, { 'content-encoding': 'gzip' })).status).toBe(400);

    const text = metrics.registry.render();
    expect(text).toContain('govc_limit_hits_total{limit="message_bytes"} 1');
    expect(text).toContain('govc_limit_hits_total{limit="inflated_bytes"} 1');
    expect(text).toContain('govc_limit_hits_total{limit="batch_ops"} 1');

    expect(lines).toHaveLength(4);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries[0]).toMatchObject({
      time: '1970-01-01T00:00:00.000Z',
      msg: 'call',
      protocol: 'http',
      method: 'CreateRepository',
      code: 'ok',
    });
    expect(entries[1]).toMatchObject({ method: 'StoreBlob', code: 'resource_exhausted', limit: 'message_bytes' });
    expect(typeof entries[0]!.ms).toBe('number');
    expect(lines.join('')).not.toContain('secret-token');
  });

  it('logs the HTTP version, the repository, the token name and the peer of each call, never the token', async () => {
    const lines: string[] = [];
    const { authorizeHandler, createAccessPolicy, parseTokenGrants } = await import('../../src/index.js');
    const policy = createAccessPolicy(
      parseTokenGrants(JSON.stringify({ tokens: [{ name: 'ci', token: 'ci-token-0123456789', repos: { '*': 'admin' } }] }), 't'),
    );
    const observer = createCallLog(
      (line) => lines.push(line),
      () => 0,
    );
    await using s = await startServer({
      accessPolicy: policy,
      bindings: [createHttpBinding(authorizeHandler(createGovcService(), policy), { observer })],
    });
    const headers = { ...json, authorization: 'Bearer ci-token-0123456789' };
    expect((await h1(`${s.url}/v1/CreateRepository`, { method: 'POST', headers, body: '{"repo":"logged"}' })).status).toBe(200);
    const session = await h2Session(s.url);
    try {
      expect((await h2(session, '/v1/GetRepository', { method: 'POST', headers, body: '{"repo":"logged"}' })).status).toBe(200);
      expect((await h2(session, '/v1/GetRepository', { method: 'POST', headers, body: '{"repo":"missing"}' })).status).toBe(404);
      expect((await h2(session, '/v1/GetRepository', { method: 'POST', headers, body: '{"repo":"bad\\nname"}' })).status).toBe(403);
    } finally {
      session.close();
    }
    // A call's line is written once its response went out, so the last may trail the reply.
    await vi.waitFor(() => expect(lines).toHaveLength(4), { timeout: 5_000 });
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toEqual([
      expect.objectContaining({
        protocol: 'http',
        http: '1.1',
        method: 'CreateRepository',
        code: 'ok',
        repo: 'logged',
        caller: 'ci',
        remote: '127.0.0.1',
      }),
      expect.objectContaining({
        protocol: 'http',
        http: '2',
        method: 'GetRepository',
        code: 'ok',
        repo: 'logged',
        caller: 'ci',
        remote: '127.0.0.1',
      }),
      expect.objectContaining({ http: '2', method: 'GetRepository', code: 'not_found', repo: 'missing', caller: 'ci' }),
      expect.objectContaining({ http: '2', method: 'GetRepository', code: 'permission_denied', caller: 'ci' }),
    ]);
    // A name the service refused is not written into the log.
    expect(entries[3]).not.toHaveProperty('repo');
    expect(lines.join('')).not.toContain('ci-token');
  });

  it('counts auth failures by code', async () => {
    const metrics = createServerMetrics();
    const service = createGovcService();
    const { authorizeHandler, createAccessPolicy, parseTokenGrants } = await import('../../src/index.js');
    const policy = createAccessPolicy(
      parseTokenGrants(JSON.stringify({ tokens: [{ name: 'r', token: 'reader-token-0123456789', repos: { '*': 'read' } }] }), 't'),
    );
    await using s = await startServer({
      metrics,
      accessPolicy: policy,
      bindings: [createHttpBinding(authorizeHandler(service, policy), { observer: metrics.observer })],
    });
    expect((await h1(`${s.url}/v1/CreateRepository`, { method: 'POST', headers: json, body: '{"repo":"x"}' })).status).toBe(401);
    expect(
      (
        await h1(`${s.url}/v1/CreateRepository`, {
          method: 'POST',
          headers: { ...json, authorization: 'Bearer reader-token-0123456789' },
          body: '{"repo":"x"}',
        })
      ).status,
    ).toBe(403);
    const text = metrics.registry.render();
    expect(text).toContain('govc_auth_failures_total{code="unauthenticated"} 1');
    expect(text).toContain('govc_auth_failures_total{code="permission_denied"} 1');
  });

  it('answers /readyz while it takes work, with a token only where /metrics needs one', async () => {
    await using s = await startServer();
    expect(await h1(`${s.url}/readyz`)).toMatchObject({ status: 200, body: 'ok' });
    expect((await h1(`${s.url}/readyz`, { method: 'POST' })).status).toBe(405);
  });
});
