import { connect } from 'node:http2';
import { govcMethods } from '@govc/core';
import { createGovcService } from '@govc/service';
import { describe, expect, it } from 'vitest';
import { createHttpBinding } from '../../src/index.js';
import { serveBinding } from '../fixtures/binding-server.js';

interface Description {
  service: string;
  contentTypes: { unary: string[]; stream: string[] };
  methods: { name: string; kind: string; path: string; summary?: string; input: string; errors?: unknown[] }[];
  messages: { typeName: string; fields: { name: string }[] }[];
}

describe('GET /v1', () => {
  it('lists every method with its path, call shape, messages and errors, over HTTP/1.1 and HTTP/2', async () => {
    await using server = await serveBinding(createHttpBinding(createGovcService()));
    const response = await fetch(`${server.http1Url}/v1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const description = (await response.json()) as Description;
    expect(description.service).toBe('govc.v1.GoVCService');
    expect(description.contentTypes.unary).toEqual(['application/json', 'application/msgpack']);
    expect(description.methods.map((method) => method.name)).toEqual(Object.keys(govcMethods));
    const upload = description.methods.find((method) => method.name === 'UploadBlob')!;
    expect(upload).toMatchObject({ kind: 'client_stream', path: '/v1/UploadBlob', input: 'govc.v1.UploadBlobChunk' });
    expect(upload.summary).toMatch(/stream/);
    expect(
      description.messages.find((message) => message.typeName === 'govc.v1.CommitRequest')?.fields.map((field) => field.name),
    ).toContain('expectedHead');

    const session = connect(server.http2Url);
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const stream = session.request({ ':method': 'GET', ':path': '/v1' });
        let text = '';
        stream
          .setEncoding('utf8')
          .on('data', (chunk: string) => (text += chunk))
          .on('end', () => resolve(text))
          .on('error', reject);
      });
      expect(JSON.parse(body)).toEqual(description);
    } finally {
      session.close();
    }
  });

  it('lists the extra methods a binding serves, and refuses other HTTP methods with 405', async () => {
    const extra = { ...govcMethods.Health, name: 'Echo', localName: 'echo' };
    await using server = await serveBinding(createHttpBinding(createGovcService(), { methods: [govcMethods.Health, extra] }));
    const description = (await (await fetch(`${server.http1Url}/v1`)).json()) as Description;
    expect(description.methods.map((method) => [method.name, method.path, method.summary === undefined])).toEqual([
      ['Health', '/v1/Health', false],
      ['Echo', '/v1/Echo', true],
    ]);
    const post = await fetch(`${server.http1Url}/v1`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(await post.json()).toMatchObject({ code: 'unimplemented' });
  });
});
