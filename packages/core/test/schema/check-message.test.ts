import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  BatchOperationsRequest,
  BatchOperationsResponse,
  Blob,
  BlobRef,
  CommitRequest,
  DataChunk,
  Empty,
  HasObjectsRequest,
  HasObjectsResponse,
  Person,
  RepoRequest,
  Repository,
  StoreBlobRequest,
  UploadBlobChunk,
  type MessageDescriptor,
} from '../../src/index.js';
import { checkMessage } from '../../src/protocol/index.js';
import { allMessageTypes, commitRequest, hash, samples } from '../codec/samples.js';
import { expectInvalid } from '../errors/expect-govc-error.js';

const check = (type: MessageDescriptor, value: unknown) => (): void => checkMessage(type, value);
const author = { name: 'n', email: 'e' };
const commit = (changes: unknown[]): unknown => ({ repo: 'r', branch: 'main', message: 'm', author, changes });
const batch = (...operations: unknown[]): unknown => ({ repo: 'r', operations });
const results = (...items: unknown[]): unknown => ({ results: items });

describe('checkMessage', () => {
  it('has a valid sample of every message type to accept', () => {
    const covered = new Set(samples.map((s) => s.type));
    expect(allMessageTypes.filter((type) => !covered.has(type)).map((type) => type.typeName)).toEqual([]);
  });

  it.each(samples.map((s) => [s.label, s] as const))('accepts the valid sample %s', (_label, { type, value }) => {
    expect(check(type, value)).not.toThrow();
  });

  it('narrows the value to the message type', () => {
    const value: unknown = { repo: 'r', content: new Uint8Array(1) };
    checkMessage(StoreBlobRequest, value);
    expectTypeOf(value).toEqualTypeOf<StoreBlobRequest>();
    expect(value.content).toHaveLength(1);
  });

  describe('the top level', () => {
    it.each([
      ['null', null],
      ['undefined', undefined],
      ['a number', 42],
      ['a string', 'r'],
      ['a boolean', true],
      ['an array', [{ repo: 'r' }]],
      ['bytes', new Uint8Array(4)],
      ['a Date', new Date(0)],
      ['a Map', new Map([['repo', 'r']])],
      ['a function', () => ({ repo: 'r' })],
    ])('must be an object, not %s', (_label, value) => {
      expectInvalid(check(RepoRequest, value), 'message: expected a govc.v1.RepoRequest object');
      expectInvalid(check(Empty, value), 'message: expected a govc.v1.Empty object');
    });

    it('may be a null-prototype object', () => {
      const value = Object.assign(Object.create(null) as object, { repo: 'r' });
      expect(check(RepoRequest, value)).not.toThrow();
    });
  });

  describe('required fields', () => {
    it('names a missing top-level field', () => {
      expectInvalid(check(StoreBlobRequest, { repo: 'r' }), 'content: expected a value (field is required)');
      expectInvalid(check(StoreBlobRequest, {}), /^repo: /);
    });

    it('treats null as absent, so a null required field is missing', () => {
      expectInvalid(check(StoreBlobRequest, { repo: 'r', content: null }), 'content: expected a value (field is required)');
    });

    it('names the path of a missing field inside a repeated message', () => {
      expectInvalid(
        check(CommitRequest, commit([{ path: 'a' }, { content: new Uint8Array(1) }])),
        'changes[1].path: expected a value (field is required)',
      );
    });

    it('names the path of a missing field inside a nested message', () => {
      expectInvalid(check(CommitRequest, { ...commitRequest, author: { name: 'n' } }), 'author.email: expected a value');
      expectInvalid(check(CommitRequest, { ...commitRequest, committer: { email: 'e' } }), 'committer.name: expected a value');
    });

    it('names the path of a missing field in a batch op request and result response', () => {
      expectInvalid(
        check(BatchOperationsRequest, batch({ id: 'a', method: 'StoreBlob', request: { repo: 'r' } })),
        'operations[0].request.content: expected a value',
      );
      expectInvalid(
        check(BatchOperationsRequest, batch({ id: 'a', method: 'Commit', request: commit([{ mode: '100644' }]) })),
        'operations[0].request.changes[0].path: expected a value',
      );
      expectInvalid(
        check(BatchOperationsResponse, results({ id: 'a', method: 'GetBlob', ok: true, response: { hash: 'h', size: 1 } })),
        'results[0].response.content: expected a value',
      );
      expectInvalid(check(BatchOperationsRequest, batch({ id: 'a', method: 'StoreBlob' })), 'operations[0].request: expected a value');
    });

    it('reports the first offending field in proto order', () => {
      expectInvalid(check(Blob, { size: -1 }), /^hash: /);
      expectInvalid(check(Blob, { hash: 'h', size: -1 }), /^size: /);
    });

    it('requires repeated fields to be present, though they may be empty', () => {
      expectInvalid(check(HasObjectsRequest, { repo: 'r' }), 'hashes: expected a value');
      expect(check(HasObjectsRequest, { repo: 'r', hashes: [] })).not.toThrow();
    });
  });

  describe('optional fields', () => {
    it('may be absent, undefined or null', () => {
      expect(check(Person, { name: 'n', email: 'e' })).not.toThrow();
      expect(check(Person, { name: 'n', email: 'e', time: undefined, tzOffset: undefined })).not.toThrow();
      expect(check(Person, { name: 'n', email: 'e', time: null, tzOffset: null })).not.toThrow();
      expect(check(CommitRequest, { ...commitRequest, committer: null, parents: null, expectedHead: null })).not.toThrow();
      expect(check(UploadBlobChunk, {})).not.toThrow();
    });

    it('are checked when present', () => {
      expectInvalid(check(Person, { name: 'n', email: 'e', time: '12' }), 'time: expected an integer');
      expectInvalid(check(CommitRequest, { ...commitRequest, parents: 'abc' }), 'parents: expected an array');
      expectInvalid(check(CommitRequest, { ...commitRequest, committer: 'me' }), 'committer: expected a govc.v1.Person object');
    });
  });

  describe('scalar types', () => {
    it.each([
      ['a number', 1],
      ['a boolean', true],
      ['an array', ['r']],
      ['an object', { toString: () => 'r' }],
      ['a boxed string', new String('r')],
      ['bytes', new Uint8Array(1)],
    ])('a string field refuses %s', (_label, repo) => {
      expectInvalid(check(RepoRequest, { repo }), 'repo: expected a string');
    });

    it('a string field accepts the empty string', () => {
      expect(check(RepoRequest, { repo: '' })).not.toThrow();
    });

    it.each([
      ['a string', 'true'],
      ['a number', 1],
      ['zero', 0],
      ['a boxed boolean', new Boolean(true)],
    ])('a bool field refuses %s', (_label, item) => {
      expectInvalid(check(HasObjectsResponse, { present: [true, item] }), 'present[1]: expected a boolean');
    });

    it.each([
      ['a negative integer', -1],
      ['a fraction', 1.5],
      ['2^53', 2 ** 53],
      ['1e300', 1e300],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['a numeric string', '5'],
      ['a BigInt', 5n],
      ['a boxed number', new Number(5)],
      ['a boolean', true],
    ])('a uint field refuses %s', (_label, size) => {
      expectInvalid(check(BlobRef, { hash: 'h', size }), 'size: expected a non-negative integer');
    });

    it.each([0, 1, 2 ** 32, Number.MAX_SAFE_INTEGER, 5.0, -0])('a uint field accepts %d', (size) => {
      expect(check(BlobRef, { hash: 'h', size })).not.toThrow();
    });

    it.each([
      ['a fraction', -0.5],
      ['2^53', 2 ** 53],
      ['-(2^53)', -(2 ** 53)],
      ['NaN', NaN],
      ['-Infinity', -Infinity],
      ['a numeric string', '-1'],
      ['a BigInt', -1n],
    ])('an int field refuses %s', (_label, time) => {
      expectInvalid(check(Person, { name: 'n', email: 'e', time }), 'time: expected an integer');
    });

    it.each([0, -1, 1, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER])('an int field accepts %d', (time) => {
      expect(check(Person, { name: 'n', email: 'e', time })).not.toThrow();
    });

    it.each([
      ['a base64 string', 'AQ=='],
      ['an array of numbers', [1, 2]],
      ['an ArrayBuffer', new ArrayBuffer(2)],
      ['a DataView', new DataView(new ArrayBuffer(2))],
      ['a Uint8ClampedArray', new Uint8ClampedArray(2)],
      ['an Int8Array', new Int8Array(2)],
      ['a Uint16Array', new Uint16Array(2)],
      ['an array-like object', { 0: 1, length: 1 }],
      ['a number', 0],
    ])('a bytes field refuses %s', (_label, data) => {
      expectInvalid(check(DataChunk, { data }), 'data: expected bytes');
    });

    it.each([
      ['a Uint8Array', new Uint8Array(3)],
      ['an empty Uint8Array', new Uint8Array(0)],
      ['a Buffer', Buffer.from('abc')],
      ['a view into a larger buffer', new Uint8Array(10).subarray(2, 5)],
    ])('a bytes field accepts %s', (_label, data) => {
      expect(check(DataChunk, { data })).not.toThrow();
    });
  });

  describe('nested messages', () => {
    it.each([
      ['a string', 'Alice <a@example.com>'],
      ['a number', 1],
      ['an array', [author]],
      ['bytes', new Uint8Array(1)],
      ['a Date', new Date(0)],
      ['a Map', new Map(Object.entries(author))],
      [
        'an instance of a class',
        new (class P {
          name = 'n';
          email = 'e';
        })(),
      ],
      ['an object inheriting its fields', Object.create(author) as unknown],
    ])('must be plain objects, not %s', (_label, value) => {
      expectInvalid(check(CommitRequest, { ...commitRequest, author: value }), 'author: expected a govc.v1.Person object');
    });

    it('refuses a non-plain object even where every field is optional', () => {
      // Regression: a Date or Set (a msgpack ext value) passed for a message with no required field.
      expectInvalid(check(UploadBlobChunk, new Date()), 'message: expected a govc.v1.UploadBlobChunk object');
      expectInvalid(check(Empty, new Set()), 'message: expected a govc.v1.Empty object');
      expectInvalid(
        check(BatchOperationsResponse, results({ id: 'a', method: 'UpdateRef', ok: true, response: new Date() })),
        'results[0].response: expected a govc.v1.Empty object',
      );
      expectInvalid(
        check(BatchOperationsResponse, results({ id: 'a', method: 'Commit', ok: false, error: new Error('x') })),
        'results[0].error: expected a govc.v1.Error object',
      );
    });
  });

  describe('repeated fields', () => {
    it.each([
      ['a string', 'abc'],
      ['an object', { 0: 'a', length: 1 }],
      ['a Set', new Set(['a'])],
      ['bytes', new Uint8Array(2)],
      ['a number', 0],
    ])('must be arrays, not %s', (_label, hashes) => {
      expectInvalid(check(HasObjectsRequest, { repo: 'r', hashes }), 'hashes: expected an array');
    });

    it('checks every element and names its index', () => {
      expectInvalid(check(HasObjectsRequest, { repo: 'r', hashes: [hash('a'), hash('b'), 3] }), 'hashes[2]: expected a string');
      expectInvalid(check(HasObjectsRequest, { repo: 'r', hashes: ['a', null] }), 'hashes[1]: expected a string');
      expectInvalid(check(CommitRequest, commit([{ path: 'a' }, null])), 'changes[1]: expected a govc.v1.FileChange object');
      expectInvalid(check(CommitRequest, commit([{ path: 'a', content: 'AQ==' }])), 'changes[0].content: expected bytes');
    });

    it('refuses holes in a sparse array', () => {
      expectInvalid(check(HasObjectsRequest, { repo: 'r', hashes: ['a', , 'b'] }), 'hashes[1]: expected a string');
    });
  });

  describe('unknown fields', () => {
    it('are ignored, whatever they hold', () => {
      const value = { repo: 'r', future: { deeply: [new Date(), 5n, Symbol('s')] }, __proto__x: 1 };
      expect(check(RepoRequest, value)).not.toThrow();
    });

    it('include an own __proto__ key from JSON.parse, which cannot supply fields', () => {
      expect(check(RepoRequest, JSON.parse('{"__proto__":{"x":1},"repo":"r"}'))).not.toThrow();
      expectInvalid(check(RepoRequest, JSON.parse('{"__proto__":{"repo":"r"}}')), 'repo: expected a value');
    });
  });

  describe('batch operations: request and response typed by the method named beside them', () => {
    it('validates each op request against its own method', () => {
      expect(
        check(
          BatchOperationsRequest,
          batch(
            { id: 'a', method: 'StoreBlob', request: { repo: 'r', content: new Uint8Array(1) } },
            { id: 'b', method: 'GetBlob', request: { repo: 'r', hash: hash('1') } },
          ),
        ),
      ).not.toThrow();
      // A GetBlob request under a StoreBlob op.
      expectInvalid(
        check(BatchOperationsRequest, batch({ id: 'a', method: 'StoreBlob', request: { repo: 'r', hash: hash('1') } })),
        'operations[0].request.content: expected a value',
      );
      expectInvalid(
        check(
          BatchOperationsRequest,
          batch({ id: 'a', method: 'UpdateRef', request: { repo: 'r', name: 'refs/heads/x', newHash: 7, expectedOldHash: '' } }),
        ),
        'operations[0].request.newHash: expected a string',
      );
      expectInvalid(
        check(BatchOperationsRequest, batch({ id: 'a', method: 'StoreBlob', request: 'AQ==' })),
        'operations[0].request: expected a govc.v1.StoreBlobRequest object',
      );
    });

    it('lets an op request leave out repo, which the batch supplies', () => {
      expect(check(BatchOperationsRequest, batch({ id: 'a', method: 'StoreBlob', request: { content: new Uint8Array(1) } }))).not.toThrow();
      expectInvalid(
        check(BatchOperationsRequest, batch({ id: 'a', method: 'StoreBlob', request: { repo: 5, content: new Uint8Array(1) } })),
        'operations[0].request.repo: expected a string',
      );
    });

    it.each([
      'Bogus',
      'storeBlob',
      '',
      'toString',
      '__proto__',
      'CreateRepository',
      'DeleteRepository',
      'ListRepositories',
      'BatchOperations',
      'Health',
      'UploadBlob',
      'DownloadBlob',
      'WatchRefs',
    ])('refuses an op naming %j, which cannot be batched', (method) => {
      expectInvalid(
        check(BatchOperationsRequest, batch({ id: 'a', method, request: { repo: 'r' } })),
        `operations[0].request: method ${JSON.stringify(method)} cannot be batched`,
      );
      expectInvalid(
        check(BatchOperationsResponse, results({ id: 'a', method, ok: true, response: {} })),
        /^results\[0\]\.response: method .* cannot be batched/,
      );
    });

    it('checks the method field itself before the request it types', () => {
      expectInvalid(check(BatchOperationsRequest, batch({ id: 'a', method: 5, request: {} })), 'operations[0].method: expected a string');
      expectInvalid(check(BatchOperationsRequest, batch({ id: 'a', request: {} })), 'operations[0].method: expected a value');
    });

    it('validates each result response against its own method', () => {
      expect(
        check(
          BatchOperationsResponse,
          results(
            { id: 'a', method: 'GetBlob', ok: true, response: { hash: 'h', size: 1, content: new Uint8Array(1) } },
            { id: 'b', method: 'UpdateRef', ok: true, response: {} },
            { id: 'c', method: 'Commit', ok: false, error: { code: 'aborted', message: 'm' } },
          ),
        ),
      ).not.toThrow();
      expectInvalid(
        check(
          BatchOperationsResponse,
          results({ id: 'a', method: 'GetBlob', ok: true, response: { hash: 'h', size: 1, content: 'AQ==' } }),
        ),
        'results[0].response.content: expected bytes',
      );
      // A response does not get the batch's repo for free: GetRepository answers with one.
      expectInvalid(
        check(
          BatchOperationsResponse,
          results({ id: 'a', method: 'GetRepository', ok: true, response: { defaultBranch: 'main', createdAt: 0 } }),
        ),
        'results[0].response.repo: expected a value',
      );
      expectInvalid(
        check(BatchOperationsResponse, results({ id: 'a', method: 'Commit', ok: false, error: { code: 'aborted' } })),
        'results[0].error.message: expected a value',
      );
    });

    it('does not need a known method for a result without a response', () => {
      expect(
        check(
          BatchOperationsResponse,
          results({ id: 'a', method: 'Bogus', ok: false, error: { code: 'invalid_argument', message: 'no such method' } }),
        ),
      ).not.toThrow();
    });
  });

  it('checks the fields of responses as strictly as those of requests', () => {
    expectInvalid(check(Repository, { repo: 'r', defaultBranch: 'main', createdAt: 1.5 }), 'createdAt: expected a non-negative integer');
  });
});
