import { request as http1Request, type IncomingMessage } from 'node:http';
import { createGovcService } from '@govc/service';
import { createHttpBinding } from '@govc/transport-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeHandler, createAccessPolicy, parseTokenGrants } from '../../src/index.js';
import { h2Send, openH2Session, within } from '../fixtures/hostile-wire.js';
import { startServer, type TestServer } from '../fixtures/test-server.js';

const token = 'writer-token-0123456789';
const policy = createAccessPolicy(
  parseTokenGrants(JSON.stringify({ tokens: [{ name: 'writer', token, repos: { '*': 'admin' } }] }), 'test tokens'),
);

/** A body far larger than what the test sends of it: the server must answer before the rest. */
const declaredBytes = 15 * 1024 * 1024;
const firstPart = new Uint8Array(1024);

describe('with tokens, a request is authenticated from its headers before its body is read', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ bindings: [createHttpBinding(authorizeHandler(createGovcService(), policy))], accessPolicy: policy });
  });
  afterAll(async () => {
    await server[Symbol.asyncDispose]();
  });

  it.each([
    ['no Authorization header', {}],
    ['an unknown token', { authorization: 'Bearer not-a-known-token' }],
  ])('HTTP/1.1, %s: 401 while the client still holds back most of the body', async (_label, headers) => {
    const { hostname, port } = new URL(server.url);
    const outgoing = http1Request({
      hostname,
      port,
      path: '/v1/StoreBlob',
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/msgpack', 'content-length': declaredBytes, ...headers },
    });
    outgoing.on('error', () => {}); // the server may close the connection once it has answered
    try {
      const responded = new Promise<IncomingMessage>((resolve) => outgoing.once('response', resolve));
      outgoing.write(firstPart);
      const response = await within(2_000, 'the 401', responded);
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      const body = await within(2_000, 'the 401 body', readAll(response));
      expect(JSON.parse(body)).toMatchObject({ code: 'unauthenticated' });
    } finally {
      outgoing.destroy();
    }
  });

  it('HTTP/2: 401 while the client still holds back most of the body', async () => {
    const session = await openH2Session(server.url);
    try {
      const stream = session.request({
        ':method': 'POST',
        ':path': '/v1/StoreBlob',
        'content-type': 'application/msgpack',
        'content-length': declaredBytes,
      });
      stream.on('error', () => {});
      const responded = new Promise<Record<string, unknown>>((resolve) => stream.once('response', resolve));
      stream.write(firstPart);
      const headers = await within(2_000, 'the 401', responded);
      expect(headers[':status']).toBe(401);
      stream.close();
    } finally {
      session.destroy();
    }
  });

  it('Health is public, and a known token gets past the check to the service', async () => {
    const session = await openH2Session(server.url);
    try {
      const health = await h2Send(session, '/v1/Health', { headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(health.status).toBe(200);
      const created = await h2Send(session, '/v1/CreateRepository', {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ repo: 'auth-before-body' }),
      });
      expect(created.status).toBe(200);
    } finally {
      session.destroy();
    }
  });
});

function readAll(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString()));
    response.on('error', reject);
  });
}
