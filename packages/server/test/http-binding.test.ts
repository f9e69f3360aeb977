import { gitBlobHash } from '@govc/core/conformance';
import { createGovcService, type GovcService } from '@govc/service';
import { createHttpBinding } from '@govc/transport-http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServerMetrics } from '../src/index.js';
import { curl, h1, h2, h2Session } from './fixtures/clients.js';
import { startServer, type TestServer } from './fixtures/test-server.js';

const json = { 'content-type': 'application/json' };

describe('the plain HTTP binding behind the listener, with the real service', () => {
  let service: GovcService;
  let s: TestServer;
  beforeEach(async () => {
    service = createGovcService();
    const metrics = createServerMetrics();
    s = await startServer({ metrics, bindings: [createHttpBinding(service, { observer: metrics.observer })] });
  });
  afterEach(async () => {
    await s[Symbol.asyncDispose]();
    await service.close();
  });

  it('serves JSON methods over HTTP/1.1 and HTTP/2 on the same port', async () => {
    const created = await h1(`${s.url}/v1/CreateRepository`, { method: 'POST', headers: json, body: '{"repo":"demo"}' });
    expect([created.status, JSON.parse(created.body)]).toMatchObject([200, { repo: 'demo', defaultBranch: 'main' }]);
    const session = await h2Session(s.url);
    try {
      const stored = await h2(session, '/v1/StoreBlob', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ repo: 'demo', content: Buffer.from('hi\n').toString('base64') }),
      });
      expect(JSON.parse(stored.body)).toEqual({ hash: gitBlobHash('hi\n'), size: 3 });
      const missing = await h2(session, '/v1/GetRepository', { method: 'POST', headers: json, body: '{"repo":"nope"}' });
      expect([missing.status, JSON.parse(missing.body)]).toMatchObject([404, { code: 'not_found' }]);
    } finally {
      session.close();
    }
    const text = (await h1(`${s.url}/metrics`)).body;
    expect(text).toContain('govc_requests_total{protocol="http",method="CreateRepository"} 1\n');
    expect(text).toContain('govc_requests_total{protocol="http",method="StoreBlob"} 1\n');
    // The method label of a failed call is the binding's to report (it says `unknown` today).
    expect(text).toMatch(/\ngovc_request_errors_total\{protocol="http",method="[^"]+",code="not_found"\} 1\n/);
  });

  it('serves curl over HTTP/1.1 and h2c: a JSON method and the raw blob routes', async () => {
    const created = await curl(`${s.url}/v1/CreateRepository`, [
      '--http1.1',
      '-H',
      'content-type: application/json',
      '-d',
      '{"repo":"tools"}',
    ]);
    expect([created.status, created.httpVersion, JSON.parse(created.body).repo]).toEqual([200, '1.1', 'tools']);
    const health = await curl(`${s.url}/v1/Health`, ['--http2-prior-knowledge', '-H', 'content-type: application/json', '-d', '{}']);
    expect([health.status, health.httpVersion, JSON.parse(health.body).status]).toEqual([200, '2', 'SERVING']);

    const hash = gitBlobHash('raw bytes\n');
    const upload = ['-H', 'content-type: application/octet-stream', '--data-binary', 'raw bytes\n'];
    expect(JSON.parse((await curl(`${s.url}/v1/repos/tools/blobs`, ['--http1.1', ...upload])).body)).toEqual({ hash, size: 10 });
    expect(JSON.parse((await curl(`${s.url}/v1/repos/tools/blobs`, ['--http2-prior-knowledge', ...upload])).body)).toEqual({
      hash,
      size: 10,
    });
    expect(await curl(`${s.url}/v1/repos/tools/blobs/${hash}`, ['--http1.1'])).toEqual({
      status: 200,
      httpVersion: '1.1',
      body: 'raw bytes\n',
    });
    expect(await curl(`${s.url}/v1/repos/tools/blobs/${hash}`, ['--http2-prior-knowledge'])).toEqual({
      status: 200,
      httpVersion: '2',
      body: 'raw bytes\n',
    });
  });
});
