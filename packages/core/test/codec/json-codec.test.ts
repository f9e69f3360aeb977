import { describe, expect, it } from 'vitest';
import {
  BatchOperationsRequest,
  BatchOperationsResponse,
  Blob,
  CommitRequest,
  DataChunk,
  HasObjectsRequest,
  HealthResponse,
  ListRepositoriesResponse,
  Repository,
  StoreBlobRequest,
  jsonCodec,
  type MessageDescriptor,
} from '../../src/index.js';
import { checkMessage } from '../../src/protocol/index.js';
import { expectInvalid } from '../errors/expect-govc-error.js';
import { allByteValues, batchRequest, batchResponse, commitRequest, hash, pseudoRandomBytes, samples } from './samples.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const decodeText = (type: MessageDescriptor, text: string): unknown => jsonCodec.decode(type, utf8(text));
const encodeText = <T>(type: MessageDescriptor<T>, message: T): string => new TextDecoder().decode(jsonCodec.encode(type, message));
const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

describe('jsonCodec', () => {
  it('names itself and its media type', () => {
    expect(jsonCodec.name).toBe('json');
    expect(jsonCodec.contentType).toBe('application/json');
  });

  describe('round trip', () => {
    it.each(samples.map((s) => [s.label, s] as const))('%s', (_label, { type, value }) => {
      const encoded = jsonCodec.encode(type, value);
      expect(encoded).toBeInstanceOf(Uint8Array);
      const decoded = jsonCodec.decode(type, encoded);
      expect(decoded).toEqual(value);
      checkMessage(type, decoded);
    });

    it('carries a 1 MiB blob', () => {
      const content = pseudoRandomBytes(1 << 20);
      const decoded = jsonCodec.decode(StoreBlobRequest, jsonCodec.encode(StoreBlobRequest, { repo: 'r', content })) as StoreBlobRequest;
      expect(decoded.repo).toBe('r');
      expect(Buffer.compare(decoded.content, content)).toBe(0);
    });

    it('carries non-ASCII text as UTF-8', () => {
      const message = { status: 'grün ✓ 🚀 \u0000 "quoted" \\ \n', version: '\u2028\u2029' };
      const encoded = jsonCodec.encode(HealthResponse, message);
      expect(Buffer.from(encoded).toString('utf8')).toBe(JSON.stringify(message));
      expect(jsonCodec.decode(HealthResponse, encoded)).toEqual(message);
    });

    it('does not change the message it encodes', () => {
      const message = { repo: 'r', content: Uint8Array.of(1, 2, 3) };
      jsonCodec.encode(StoreBlobRequest, message);
      expect(message.content).toBeInstanceOf(Uint8Array);
      expect([...message.content]).toEqual([1, 2, 3]);
    });
  });

  describe('bytes as base64 in the JSON text', () => {
    it('writes standard padded base64 (the +/ alphabet)', () => {
      expect(encodeText(StoreBlobRequest, { repo: 'r', content: Uint8Array.of(0xfb, 0xff, 0xbf) })).toBe('{"repo":"r","content":"+/+/"}');
      expect(encodeText(StoreBlobRequest, { repo: 'r', content: Uint8Array.of(1) })).toBe('{"repo":"r","content":"AQ=="}');
      expect(encodeText(StoreBlobRequest, { repo: 'r', content: Uint8Array.of(1, 2) })).toBe('{"repo":"r","content":"AQI="}');
      expect(encodeText(StoreBlobRequest, { repo: 'r', content: new Uint8Array(0) })).toBe('{"repo":"r","content":""}');
    });

    it('writes every byte value', () => {
      const text = encodeText(Blob, { hash: hash('a'), size: 256, content: allByteValues });
      expect(JSON.parse(text)).toEqual({ hash: hash('a'), size: 256, content: base64(allByteValues) });
    });

    it('encodes only the bytes a view covers, not its whole buffer', () => {
      const backing = Uint8Array.of(9, 9, 1, 2, 3, 9, 9);
      expect(JSON.parse(encodeText(DataChunk, { data: backing.subarray(2, 5) }))).toEqual({ data: 'AQID' });
      expect(JSON.parse(encodeText(DataChunk, { data: Buffer.from([1, 2, 3]) }))).toEqual({ data: 'AQID' });
    });

    it('writes nested FileChange content of a commit as base64', () => {
      const wire = JSON.parse(encodeText(CommitRequest, commitRequest)) as { changes: Array<Record<string, unknown>> };
      expect(wire.changes[0]).toEqual({ path: 'README.md', content: base64(utf8('# demo\n')) });
      expect(wire.changes[1]).toEqual({ path: 'bin/all-bytes', content: base64(allByteValues), mode: '100755' });
      expect(wire.changes[2]).toEqual({ path: 'empty', content: '' });
      expect(wire.changes[3]).toEqual({ path: 'reused', hash: hash('c') });
      expect(wire.changes[4]).toEqual({ path: 'old.txt', delete: true });
    });

    it('writes the bytes inside batch ops, by the method each op names', () => {
      type WireOp = { request: { content?: string; changes?: Array<{ content?: string }> } };
      const wire = JSON.parse(encodeText(BatchOperationsRequest, batchRequest)) as { operations: WireOp[] };
      expect(wire.operations[0]!.request.content).toBe(base64(allByteValues));
      expect(wire.operations[1]!.request.changes![1]!.content).toBe(base64(allByteValues));
      expect(wire.operations[2]!.request).toEqual({ repo: 'demo', hash: hash('d') });
    });

    it('writes the bytes inside batch results, by the method each result names', () => {
      type WireResult = { response?: { content?: string }; error?: unknown };
      const wire = JSON.parse(encodeText(BatchOperationsResponse, batchResponse)) as { results: WireResult[] };
      expect(wire.results[0]!.response!.content).toBe(base64(allByteValues));
      expect(wire.results[1]!.response!.content).toBe('');
      expect(wire.results[3]!.response).toEqual({});
      expect(wire.results[4]).toEqual({
        id: 'op-5',
        method: 'Commit',
        ok: false,
        error: { code: 'aborted', message: 'stale expectedHead' },
      });
    });

    it('leaves absent optional fields out of the text', () => {
      expect(
        encodeText(CommitRequest, { repo: 'r', branch: 'main', message: 'm', author: { name: 'n', email: 'e' }, changes: [{ path: 'p' }] }),
      ).toBe('{"repo":"r","branch":"main","message":"m","author":{"name":"n","email":"e"},"changes":[{"path":"p"}]}');
    });
  });

  describe('base64 input', () => {
    it.each([
      ['standard, padded', 'AQID/w==', [1, 2, 3, 255]],
      ['standard, unpadded', 'AQID/w', [1, 2, 3, 255]],
      ['URL-safe, padded', '-_-_AQ==', [0xfb, 0xff, 0xbf, 1]],
      ['URL-safe, unpadded', '-_-_AQ', [0xfb, 0xff, 0xbf, 1]],
      ['one padding character', 'AQI=', [1, 2]],
      ['two bytes unpadded', 'AQI', [1, 2]],
      ['empty', '', []],
    ])('accepts %s', (_label, text, expected) => {
      expect(decodeText(DataChunk, `{"data":"${text}"}`)).toEqual({ data: Uint8Array.from(expected) });
    });

    it('reads every byte value in both alphabets', () => {
      const standard = base64(allByteValues);
      const urlSafe = standard.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      expect(urlSafe).not.toBe(standard);
      expect(decodeText(DataChunk, `{"data":"${standard}"}`)).toEqual({ data: allByteValues });
      expect(decodeText(DataChunk, `{"data":"${urlSafe}"}`)).toEqual({ data: allByteValues });
    });

    it('reads base64 bytes nested in commits, batch ops and batch results', () => {
      const op = {
        id: 'a',
        method: 'Commit',
        request: { repo: 'r', branch: 'main', message: 'm', author: { name: 'n', email: 'e' }, changes: [{ path: 'p', content: '-_8' }] },
      };
      const decoded = decodeText(BatchOperationsRequest, JSON.stringify({ repo: 'r', operations: [op] })) as BatchOperationsRequest;
      expect((decoded.operations[0]!.request as CommitRequest).changes[0]!.content).toEqual(Uint8Array.of(0xfb, 0xff));
      const results = decodeText(
        BatchOperationsResponse,
        '{"results":[{"id":"a","method":"GetBlob","ok":true,"response":{"hash":"h","size":1,"content":"/w"}}]}',
      );
      expect(results).toEqual({
        results: [{ id: 'a', method: 'GetBlob', ok: true, response: { hash: 'h', size: 1, content: Uint8Array.of(255) } }],
      });
    });
  });

  describe('malformed input is invalid_argument', () => {
    it.each([
      ['a lone continuation byte', [0x7b, 0x22, 0x80, 0x22, 0x3a, 0x31, 0x7d]],
      ['0xff', [0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]],
      ['an overlong encoding of "/"', [0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]],
      ['an encoded surrogate', [0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d]],
      ['a truncated sequence', [0x7b, 0x22, 0xe2, 0x82, 0x22, 0x3a, 0x31, 0x7d]],
    ])('invalid UTF-8: %s', (_label, raw) => {
      expectInvalid(() => jsonCodec.decode(HealthResponse, Uint8Array.from(raw)), /malformed JSON/);
    });

    it('invalid UTF-8 inside a base64 string', () => {
      expectInvalid(() => jsonCodec.decode(DataChunk, Uint8Array.from([...utf8('{"data":"AA'), 0xff, ...utf8('AA"}')])));
    });

    it('every truncation of a valid body', () => {
      const body = jsonCodec.encode(BatchOperationsRequest, batchRequest);
      for (let end = 0; end < body.length; end++) {
        expectInvalid(() => jsonCodec.decode(BatchOperationsRequest, body.subarray(0, end)));
      }
    });

    it.each(['', ' ', '{', '{"repo":', '{"repo":"r",}', "{'repo':'r'}", '{repo:"r"}', '{"repo":"r"} x', '{}{}', 'NaN', '\u0000{}'])(
      'not JSON: %j',
      (text) => {
        expectInvalid(() => decodeText(StoreBlobRequest, text), /malformed JSON/);
      },
    );

    it.each(['[]', '[{"repo":"r"}]', 'null', '42', '"x"', 'true', '-0', '1e400'])('a top level that is not an object: %s', (text) => {
      expectInvalid(() => decodeText(StoreBlobRequest, text), /expected an object for govc\.v1\.StoreBlobRequest/);
      expectInvalid(() => decodeText(HealthResponse, text), /expected an object/);
    });

    it.each([
      ['a bad character', 'AA*A'],
      ['a space', 'AA AA'],
      ['a newline', 'AAAA\\nAAAA'],
      ['a dot', 'AA.A'],
      ['padding in the middle', 'AA=A'],
      ['three padding characters', 'A==='],
      ['a non-ASCII letter', 'AAÄA'],
      ['a data URL', 'data:;base64,AAAA'],
    ])('base64 with %s', (_label, text) => {
      expectInvalid(() => decodeText(StoreBlobRequest, `{"repo":"r","content":"${text}"}`), 'content: invalid base64');
    });

    it.each(['A', 'AAAAA', 'AAAAAAAAA', 'A=', 'AAAAA=='])('base64 of impossible length: %s', (text) => {
      expectInvalid(() => decodeText(StoreBlobRequest, `{"repo":"r","content":"${text}"}`), 'content: invalid base64');
    });

    it.each(['42', '0', 'true', '[1,2,3]', '{"0":1}', '{}'])('a bytes field that is not a string: %s', (value) => {
      expectInvalid(() => decodeText(StoreBlobRequest, `{"repo":"r","content":${value}}`), 'content: expected base64 bytes');
    });

    it('names the path of a bad bytes field deep in a batch', () => {
      const ops = [
        { id: 'a', method: 'StoreBlob', request: { repo: 'r', content: 'AQ==' } },
        {
          id: 'b',
          method: 'Commit',
          request: {
            repo: 'r',
            branch: 'b',
            message: 'm',
            author: { name: 'n', email: 'e' },
            changes: [{ path: 'x' }, { path: 'y', content: 'A' }],
          },
        },
      ];
      expectInvalid(
        () => decodeText(BatchOperationsRequest, JSON.stringify({ repo: 'r', operations: ops })),
        'operations[1].request.changes[1].content: invalid base64',
      );
      const results = [{ id: 'a', method: 'GetBlob', ok: true, response: { hash: 'h', size: 1, content: 7 } }];
      expectInvalid(
        () => decodeText(BatchOperationsResponse, JSON.stringify({ results })),
        'results[0].response.content: expected base64 bytes',
      );
    });

    it.each(['Bogus', 'storeBlob', 'STOREBLOB', '', '__proto__', 'toString', 'constructor'])(
      'a batch op naming an unknown method: %j',
      (method) => {
        const body = JSON.stringify({ repo: 'r', operations: [{ id: 'a', method, request: { repo: 'r' } }] });
        expectInvalid(
          () => decodeText(BatchOperationsRequest, body),
          `operations[0].request: method ${JSON.stringify(method)} cannot be batched`,
        );
      },
    );

    it.each([
      'CreateRepository',
      'DeleteRepository',
      'ListRepositories',
      'BatchOperations',
      'Health',
      'UploadBlob',
      'DownloadBlob',
      'WatchRefs',
    ])('a batch op naming a method that cannot be batched: %s', (method) => {
      const body = JSON.stringify({ repo: 'r', operations: [{ id: 'a', method, request: { repo: 'r' } }] });
      expectInvalid(() => decodeText(BatchOperationsRequest, body), /cannot be batched/);
      const results = JSON.stringify({ results: [{ id: 'a', method, ok: true, response: {} }] });
      expectInvalid(() => decodeText(BatchOperationsResponse, results), /results\[0\]\.response: method .* cannot be batched/);
    });

    it('a batch op whose method is missing or not a string', () => {
      expectInvalid(
        () => decodeText(BatchOperationsRequest, '{"repo":"r","operations":[{"id":"a","request":{}}]}'),
        /method undefined cannot be batched/,
      );
      expectInvalid(
        () => decodeText(BatchOperationsRequest, '{"repo":"r","operations":[{"id":"a","method":7,"request":{}}]}'),
        /method 7 cannot be batched/,
      );
    });
  });

  describe('leaves the rest to checkMessage', () => {
    it('passes a message type without bytes through JSON.parse untouched', () => {
      const text = '{"repo":"r","defaultBranch":"refs/heads/main","createdAt":"not a number","extra":{"deep":[1,{"x":null}]}}';
      expect(decodeText(Repository, text)).toEqual(JSON.parse(text));
      const list = '{"repos":[{"repo":"a"},42,null],"x":"AQ=="}';
      expect(decodeText(ListRepositoriesResponse, list)).toEqual(JSON.parse(list));
    });

    it('encodes a message type without bytes exactly as JSON.stringify does', () => {
      const message = { repo: 'r', defaultBranch: 'refs/heads/main', createdAt: 1_732_700_000_123, head: hash('1') };
      expect(encodeText(Repository, message)).toBe(JSON.stringify(message));
    });

    it('keeps unknown fields, even next to bytes', () => {
      expect(decodeText(StoreBlobRequest, '{"repo":"r","content":"AQ==","future":{"content":"not base64!"}}')).toEqual({
        repo: 'r',
        content: Uint8Array.of(1),
        future: { content: 'not base64!' },
      });
    });

    it('leaves a null bytes field null (checkMessage treats null as absent)', () => {
      expect(decodeText(StoreBlobRequest, '{"repo":"r","content":null}')).toEqual({ repo: 'r', content: null });
    });

    it('leaves wrongly shaped messages around bytes for checkMessage to reject', () => {
      expect(decodeText(CommitRequest, '{"changes":"AQ==","author":[1]}')).toEqual({ changes: 'AQ==', author: [1] });
      expect(decodeText(BatchOperationsRequest, '{"operations":{"0":1}}')).toEqual({ operations: { 0: 1 } });
      expect(decodeText(BatchOperationsResponse, '{"results":[null,{"id":"a","method":"Nope","ok":false}]}')).toEqual({
        results: [null, { id: 'a', method: 'Nope', ok: false }],
      });
    });

    it('does not let a __proto__ key reach any prototype', () => {
      const decoded = decodeText(
        StoreBlobRequest,
        '{"__proto__":{"polluted":true,"content":"AQ=="},"repo":"r","content":"AQ=="}',
      ) as object;
      expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      expect((decoded as { polluted?: unknown }).polluted).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(decoded, '__proto__')).toBe(true);
    });
  });

  describe('encode rejects what is not bytes', () => {
    it.each([
      ['a string', 'AQ=='],
      ['an array of numbers', [1, 2]],
      ['an ArrayBuffer', new ArrayBuffer(2)],
      ['a number', 1],
      ['an object', { 0: 1 }],
    ])('a bytes field holding %s', (_label, content) => {
      expectInvalid(() => jsonCodec.encode(StoreBlobRequest, { repo: 'r', content } as never), 'content: expected bytes');
    });

    it('names the path of a bad bytes field inside a batch', () => {
      const request = { repo: 'r', operations: [{ id: 'a', method: 'StoreBlob', request: { content: 'x' } }] };
      expectInvalid(() => jsonCodec.encode(BatchOperationsRequest, request as never), 'operations[0].request.content: expected bytes');
    });

    it('refuses a batch op naming a method that cannot be batched', () => {
      const request = { repo: 'r', operations: [{ id: 'a', method: 'Health', request: {} }] };
      expectInvalid(() => jsonCodec.encode(BatchOperationsRequest, request), /cannot be batched/);
    });
  });

  describe('huge input', () => {
    it('decodes a 16 MiB blob', () => {
      const content = pseudoRandomBytes(16 << 20, 7);
      const body = jsonCodec.encode(StoreBlobRequest, { repo: 'r', content });
      const decoded = jsonCodec.decode(StoreBlobRequest, body) as StoreBlobRequest;
      expect(decoded.content.length).toBe(content.length);
      expect(Buffer.compare(decoded.content, content)).toBe(0);
    });

    it('survives deep nesting in an unknown field', () => {
      const depth = 200_000;
      const text = `{"status":"ok","version":"1","x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      let result: unknown;
      try {
        result = decodeText(HealthResponse, text);
      } catch (error) {
        expectInvalid(() => {
          throw error;
        });
        return;
      }
      expect(result).toMatchObject({ status: 'ok', version: '1' });
    });

    it('survives a million repeated elements', () => {
      const text = `{"repo":"r","hashes":[${'"h",'.repeat(1_000_000)}"h"]}`;
      expect((decodeText(HasObjectsRequest, text) as HasObjectsRequest).hashes).toHaveLength(1_000_001);
    });

    it('rejects huge garbage quickly', () => {
      expectInvalid(() => jsonCodec.decode(StoreBlobRequest, new Uint8Array(16 << 20).fill(0x7b)));
    });
  });
});
