import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readRequestBody, readResponseBody } from '../../src/node/index.js';

const limits = { maxMessageBytes: 16, maxInflatedBytes: 64 };
const chunksOf = (...parts: string[]): AsyncIterable<Uint8Array> => Readable.from(parts.map((part) => Buffer.from(part)));

describe('readRequestBody', () => {
  it('joins the chunks of a body within the limit', async () => {
    const body = await readRequestBody({ headers: {}, body: chunksOf('abc', 'def', '') }, limits);
    expect(Buffer.from(body).toString()).toBe('abcdef');
  });

  it('refuses by content-length before reading a byte, and while reading when it lies', async () => {
    let pulled = 0;
    async function* counted(): AsyncIterable<Uint8Array> {
      pulled += 1;
      yield Buffer.from('x');
    }
    await expect(readRequestBody({ headers: { 'content-length': '17' }, body: counted() }, limits)).rejects.toMatchObject({
      code: 'resource_exhausted',
      limit: 'message_bytes',
    });
    expect(pulled).toBe(0);
    await expect(
      readRequestBody({ headers: { 'content-length': '3' }, body: chunksOf('x'.repeat(10), 'x'.repeat(7)) }, limits),
    ).rejects.toMatchObject({ code: 'resource_exhausted' });
  });

  it('inflates gzip up to its own limit and refuses a bomb as inflated_bytes', async () => {
    const small = gzipSync('hello');
    expect(
      Buffer.from(
        await readRequestBody(
          { headers: { 'content-encoding': 'GZIP ' }, body: Readable.from([small]) },
          { ...limits, maxMessageBytes: 1024 },
        ),
      ).toString(),
    ).toBe('hello');
    const bomb = gzipSync(Buffer.alloc(65));
    await expect(
      readRequestBody({ headers: { 'content-encoding': 'gzip' }, body: Readable.from([bomb]) }, { ...limits, maxMessageBytes: 1024 }),
    ).rejects.toMatchObject({ code: 'resource_exhausted', limit: 'inflated_bytes' });
  });

  it('calls an unknown content-encoding or broken gzip invalid_argument', async () => {
    await expect(readRequestBody({ headers: { 'content-encoding': 'br' }, body: chunksOf('x') }, limits)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(readRequestBody({ headers: { 'content-encoding': 'gzip' }, body: chunksOf('not gzip') }, limits)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});

describe('readResponseBody', () => {
  const response = (headers: Record<string, string>, body: Readable) => {
    const state = { canceled: 0 };
    return { state, response: { headers, body, cancel: () => void (state.canceled += 1) } };
  };

  it('joins the chunks of a body within the limit', async () => {
    const { response: ok, state } = response({}, Readable.from([Buffer.from('ab'), Buffer.from('cd')]));
    expect(Buffer.from(await readResponseBody(ok, 4)).toString()).toBe('abcd');
    expect(state.canceled).toBe(0);
  });

  it('cancels the call for a body over the limit, by content-length or while reading', async () => {
    const declared = response({ 'content-length': '5' }, Readable.from([]));
    await expect(readResponseBody(declared.response, 4)).rejects.toMatchObject({ code: 'resource_exhausted' });
    expect(declared.state.canceled).toBe(1);
    const streamed = response({}, Readable.from([Buffer.from('abc'), Buffer.from('de')]));
    await expect(readResponseBody(streamed.response, 4)).rejects.toMatchObject({ code: 'resource_exhausted' });
    expect(streamed.state.canceled).toBe(1);
  });

  it('calls a body cut off by the peer unavailable', async () => {
    const body = new Readable({ read() {} });
    const cutOff = response({}, body);
    const read = readResponseBody(cutOff.response, 4);
    body.push(Buffer.from('ab'));
    body.destroy();
    await expect(read).rejects.toMatchObject({ code: 'unavailable' });
  });
});
