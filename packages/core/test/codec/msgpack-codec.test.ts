import { decode as referenceDecode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import {
  BatchOperationsResponse,
  Blob,
  BlobRef,
  CommitRequest,
  DataChunk,
  Empty,
  ErrorDetail,
  HasObjectsRequest,
  HasObjectsResponse,
  HealthResponse,
  Person,
  RepoRequest,
  Repository,
  StoreBlobRequest,
  UploadBlobChunk,
  jsonCodec,
  msgpackCodec,
  type MessageDescriptor,
} from '../../src/index.js';
import { checkMessage } from '../../src/protocol/index.js';
import { expectInvalid } from '../errors/expect-govc-error.js';
import { fixstr, hex, sameBytes, toHex } from './raw-bytes.js';
import { allByteValues, commitRequest, hash, pseudoRandomBytes, samples } from './samples.js';

const decode = (type: MessageDescriptor, raw: string | Uint8Array): unknown =>
  msgpackCodec.decode(type, typeof raw === 'string' ? hex(raw) : raw);

/** Decodes and checks: the path every message takes into the service. */
function decodeAndCheck(type: MessageDescriptor, raw: string | Uint8Array): unknown {
  const value = decode(type, raw);
  checkMessage(type, value);
  return value;
}

/** What bytes off the wire look like: a plain Uint8Array of its own, not msgpackr's pooled Buffer. */
const wire = (bytes: Uint8Array): Uint8Array => Uint8Array.from(bytes);

describe('msgpackCodec', () => {
  it('names itself and its media type', () => {
    expect(msgpackCodec.name).toBe('msgpack');
    expect(msgpackCodec.contentType).toBe('application/msgpack');
  });

  describe('round trip', () => {
    it.each(samples.map((s) => [s.label, s] as const))('%s', (_label, { type, value }) => {
      const decoded = msgpackCodec.decode(type, wire(msgpackCodec.encode(type, value)));
      expect(decoded).toEqual(value);
      checkMessage(type, decoded);
    });

    it('carries every byte value', () => {
      const decoded = decodeAndCheck(StoreBlobRequest, wire(msgpackCodec.encode(StoreBlobRequest, { repo: 'r', content: allByteValues })));
      expect([...(decoded as StoreBlobRequest).content]).toEqual([...allByteValues]);
    });

    it('carries a 1 MiB blob', () => {
      const content = pseudoRandomBytes(1 << 20);
      const decoded = decodeAndCheck(
        StoreBlobRequest,
        wire(msgpackCodec.encode(StoreBlobRequest, { repo: 'r', content })),
      ) as StoreBlobRequest;
      expect(sameBytes(decoded.content, content)).toBe(true);
    });

    it('carries 16 MiB', () => {
      const data = pseudoRandomBytes(16 << 20, 99);
      const decoded = decodeAndCheck(DataChunk, wire(msgpackCodec.encode(DataChunk, { data }))) as DataChunk;
      expect(sameBytes(decoded.data, data)).toBe(true);
    });

    it.each([
      0,
      1,
      31,
      32,
      127,
      128,
      255,
      256,
      65_535,
      65_536,
      2 ** 31,
      2 ** 32 - 1,
      2 ** 32,
      1_732_700_000_123,
      2 ** 52,
      Number.MAX_SAFE_INTEGER,
    ])('carries the uint %d exactly', (createdAt) => {
      const message = { repo: 'r', defaultBranch: 'refs/heads/main', createdAt };
      expect(decodeAndCheck(Repository, wire(msgpackCodec.encode(Repository, message)))).toEqual(message);
    });

    it.each([-1, -32, -33, -128, -129, -32_768, -32_769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 40), Number.MIN_SAFE_INTEGER])(
      'carries the int %d exactly',
      (time) => {
        const message = { name: 'n', email: 'e', time };
        expect(decodeAndCheck(Person, wire(msgpackCodec.encode(Person, message)))).toEqual(message);
      },
    );

    it('carries long and non-ASCII strings', () => {
      const message = { status: 'ünïcødé 🚀 '.repeat(1000), version: 'x'.repeat(70_000) };
      expect(decodeAndCheck(HealthResponse, wire(msgpackCodec.encode(HealthResponse, message)))).toEqual(message);
    });

    it('decodes a Buffer as well as a plain Uint8Array', () => {
      const encoded = msgpackCodec.encode(Blob, { hash: hash('a'), size: 3, content: Uint8Array.of(1, 2, 3) });
      const fromBuffer = decode(Blob, Buffer.from(encoded)) as Blob;
      expect([...fromBuffer.content]).toEqual([1, 2, 3]);
      expect(fromBuffer.content).toBeInstanceOf(Uint8Array);
    });

    it('gives JSON the same bytes back after a trip through MessagePack', () => {
      const once = msgpackCodec.decode(CommitRequest, wire(msgpackCodec.encode(CommitRequest, commitRequest)));
      checkMessage(CommitRequest, once);
      expect(toHex(jsonCodec.encode(CommitRequest, once))).toBe(toHex(jsonCodec.encode(CommitRequest, commitRequest)));
    });

    it('returns encodings that later encodings do not overwrite', () => {
      const first = msgpackCodec.encode(DataChunk, { data: Uint8Array.of(1) });
      const before = toHex(first);
      for (let i = 0; i < 5000; i++) msgpackCodec.encode(DataChunk, { data: pseudoRandomBytes(100, i + 1) });
      msgpackCodec.encode(DataChunk, { data: new Uint8Array(1 << 20) });
      expect(toHex(first)).toBe(before);
    });
  });

  describe('integers, as a second implementation (@msgpack/msgpack) reads them', () => {
    /** The MessagePack type byte that precedes `createdAt`'s value in an encoded Repository. */
    function createdAtMarker(createdAt: number): number {
      const bytes = wire(msgpackCodec.encode(Repository, { repo: 'r', defaultBranch: 'main', createdAt }));
      const key = new TextEncoder().encode('createdAt');
      const at = Buffer.from(bytes).indexOf(Buffer.from(key));
      return bytes[at + key.byteLength]!;
    }

    it.each([2 ** 32, 1_732_700_000_123, Number.MAX_SAFE_INTEGER])(
      'writes the uint %d as an integer (int64), never a float',
      (createdAt) => {
        expect(createdAtMarker(createdAt)).toBe(0xd3);
        const bytes = wire(msgpackCodec.encode(Repository, { repo: 'r', defaultBranch: 'main', createdAt }));
        const decoded = referenceDecode(bytes, { useBigInt64: true }) as { createdAt: unknown };
        expect(decoded.createdAt).toBe(BigInt(createdAt));
      },
    );

    it.each([0, 127, 2 ** 32 - 1])('writes the uint %d in the smallest integer form, as before', (createdAt) => {
      expect(createdAtMarker(createdAt)).not.toBe(0xcb);
      expect(createdAtMarker(createdAt)).not.toBe(0xd3);
    });

    it('writes wide integers nested in lists and batch ops as integers, leaving the message unchanged', () => {
      const time = -(2 ** 40);
      const ok = { id: 'a', method: 'StoreBlob', ok: true, response: { hash: hash('1'), size: 2 ** 40 } };
      const message = { results: [ok] };
      const bytes = wire(msgpackCodec.encode(BatchOperationsResponse, message));
      const decoded = referenceDecode(bytes, { useBigInt64: true }) as { results: [{ response: { size: unknown } }] };
      expect(decoded.results[0].response.size).toBe(2n ** 40n);
      expect(ok.response.size).toBe(2 ** 40); // the caller's message is not touched
      const person = referenceDecode(wire(msgpackCodec.encode(Person, { name: 'n', email: 'e', time })), { useBigInt64: true }) as {
        time: unknown;
      };
      expect(person.time).toBe(BigInt(time));
    });
  });

  describe('raw bytes out', () => {
    it('writes a plain map with str keys and bytes as bin', () => {
      expect(toHex(msgpackCodec.encode(StoreBlobRequest, { repo: 'r', content: Uint8Array.of(1, 2) }))).toBe(
        `82 ${fixstr('repo')} ${fixstr('r')} ${fixstr('content')} c4 02 01 02`.replace(/ /g, ''),
      );
    });

    it.each([
      [0, 'c400'],
      [1, 'c401'],
      [255, 'c4ff'],
      [256, 'c50100'],
      [65_535, 'c5ffff'],
      [65_536, 'c600010000'],
      [1 << 20, 'c600100000'],
    ])('writes %d bytes under a bin header %s', (length, header) => {
      const encoded = msgpackCodec.encode(DataChunk, { data: new Uint8Array(length).fill(0xab) });
      const prefix = `81${fixstr('data')}`;
      expect(toHex(encoded.subarray(0, prefix.length / 2 + header.length / 2))).toBe(prefix + header);
      expect(encoded.length).toBe(prefix.length / 2 + header.length / 2 + length);
    });

    it('writes a Buffer, a view and a plain Uint8Array alike, and only the bytes a view covers', () => {
      const expected = toHex(msgpackCodec.encode(DataChunk, { data: Uint8Array.of(1, 2, 3) }));
      expect(toHex(msgpackCodec.encode(DataChunk, { data: Buffer.from([1, 2, 3]) }))).toBe(expected);
      expect(toHex(msgpackCodec.encode(DataChunk, { data: Uint8Array.of(9, 1, 2, 3, 9).subarray(1, 4) }))).toBe(expected);
    });

    it('writes all 256 byte values verbatim after a bin16 header', () => {
      const encoded = msgpackCodec.encode(DataChunk, { data: allByteValues });
      expect(toHex(encoded.subarray(0, 9))).toBe(`81${fixstr('data')}c50100`);
      expect(sameBytes(encoded.subarray(9), allByteValues)).toBe(true);
    });

    it('does not write absent optional fields at all', () => {
      const person = { name: 'n', email: 'e', time: undefined, tzOffset: undefined };
      expect(toHex(msgpackCodec.encode(Person, person as unknown as Person))).toBe(
        `82${fixstr('name')}${fixstr('n')}${fixstr('email')}${fixstr('e')}`,
      );
    });

    it('does not write absent optional fields of nested messages', () => {
      const request = {
        repo: 'r',
        branch: 'main',
        message: 'm',
        author: { name: 'n', email: 'e', time: undefined },
        committer: undefined,
        parents: undefined,
        expectedHead: undefined,
        changes: [{ path: 'p', content: undefined, hash: undefined, mode: undefined, delete: undefined }],
      };
      const encoded = msgpackCodec.encode(CommitRequest, request as unknown as CommitRequest);
      const text = Buffer.from(encoded).toString('latin1');
      for (const name of ['committer', 'parents', 'expectedHead', 'content', 'hash', 'mode', 'delete', 'time'])
        expect(text).not.toContain(name);
      expect(Object.keys(decode(CommitRequest, encoded) as object).sort()).toEqual(['author', 'branch', 'changes', 'message', 'repo']);
    });

    it('writes no msgpackr extension for a plain message', () => {
      // No ext (0xc7-0xc9, 0xd4-0xd8) or record (0xd4 0x72) headers: any MessagePack library reads it.
      const encoded = msgpackCodec.encode(HealthResponse, { status: 'SERVING', version: '1' });
      expect(toHex(encoded)).toBe(`82${fixstr('status')}${fixstr('SERVING')}${fixstr('version')}${fixstr('1')}`);
    });
  });

  describe('raw bytes in, as another MessagePack implementation writes them', () => {
    it('reads a fixmap with fixstr keys and bin8 values', () => {
      expect(decodeAndCheck(StoreBlobRequest, `82 ${fixstr('repo')} ${fixstr('demo')} ${fixstr('content')} c4 03 01 02 03`)).toEqual({
        repo: 'demo',
        content: Uint8Array.of(1, 2, 3),
      });
    });

    it('reads an empty bin8 value', () => {
      expect(decodeAndCheck(DataChunk, `81 ${fixstr('data')} c4 00`)).toEqual({ data: new Uint8Array(0) });
    });

    it('reads map16, str8 keys, bin16 and bin32 values', () => {
      expect(
        decodeAndCheck(
          Blob,
          `de 0003 d9 04 ${Buffer.from('hash').toString('hex')} a1 68 ${fixstr('size')} cd 0100 ${fixstr('content')} c5 0002 ff 00`,
        ),
      ).toEqual({ hash: 'h', size: 256, content: Uint8Array.of(0xff, 0) });
      expect(decodeAndCheck(DataChunk, `df 00000001 ${fixstr('data')} c6 00000001 7f`)).toEqual({ data: Uint8Array.of(0x7f) });
    });

    it('reads arrays: fixarray, array16 and array32', () => {
      expect(decodeAndCheck(HasObjectsResponse, `81 ${fixstr('present')} 93 c3 c2 c3`)).toEqual({ present: [true, false, true] });
      expect(decodeAndCheck(HasObjectsRequest, `82 ${fixstr('repo')} a1 72 ${fixstr('hashes')} dc 0002 a1 61 a1 62`)).toEqual({
        repo: 'r',
        hashes: ['a', 'b'],
      });
      expect(decodeAndCheck(HasObjectsResponse, `81 ${fixstr('present')} dd 00000000`)).toEqual({ present: [] });
    });

    it.each([
      ['positive fixint', '05', 5],
      ['uint8', 'cc ff', 255],
      ['uint16', 'cd ffff', 65_535],
      ['uint32', 'ce ffffffff', 4_294_967_295],
      ['uint64 with a small value', 'cf 0000000000000005', 5],
      ['uint64 = 2^53 - 1', 'cf 001fffffffffffff', Number.MAX_SAFE_INTEGER],
      ['int8 holding a positive value', 'd0 05', 5],
      ['int64 holding a positive value', 'd3 0000000100000000', 2 ** 32],
      ['float64 holding an integer', 'cb 4008000000000000', 3],
      ['float32 holding an integer', 'ca 40400000', 3],
    ])('reads a uint written as %s', (_label, raw, expected) => {
      expect(decodeAndCheck(BlobRef, `82 ${fixstr('hash')} a1 68 ${fixstr('size')} ${raw}`)).toEqual({ hash: 'h', size: expected });
    });

    it.each([
      ['negative fixint', 'ff', -1],
      ['int8', 'd0 80', -128],
      ['int16', 'd1 8000', -32_768],
      ['int32', 'd2 80000000', -(2 ** 31)],
      ['int64 with a small value', 'd3 ffffffffffffffff', -1],
      ['int64 = -(2^53 - 1)', 'd3 ffe0000000000001', Number.MIN_SAFE_INTEGER],
    ])('reads an int written as %s', (_label, raw, expected) => {
      expect(decodeAndCheck(Person, `83 ${fixstr('name')} a1 6e ${fixstr('email')} a1 65 ${fixstr('time')} ${raw}`)).toEqual({
        name: 'n',
        email: 'e',
        time: expected,
      });
    });

    it('reads uint64 written by a fixed-width encoder (Go, Java) as plain numbers', () => {
      // Regression: msgpackr's default turned every uint64 / int64 into a BigInt, even 5, so
      // checkMessage refused messages from encoders that always write 64-bit integers.
      expect(decodeAndCheck(BlobRef, `82 ${fixstr('hash')} a1 68 ${fixstr('size')} cf 0000000000000005`)).toEqual({ hash: 'h', size: 5 });
      expect(decodeAndCheck(Person, `83 ${fixstr('name')} a1 6e ${fixstr('email')} a1 65 ${fixstr('time')} d3 0000000065000000`)).toEqual({
        name: 'n',
        email: 'e',
        time: 0x65000000,
      });
    });

    it('reads nil as an absent optional field', () => {
      expect(decodeAndCheck(Person, `83 ${fixstr('name')} a1 6e ${fixstr('email')} a1 65 ${fixstr('time')} c0`)).toEqual({
        name: 'n',
        email: 'e',
        time: null,
      });
    });

    it('reads str8/str16/str32 values', () => {
      expect(decodeAndCheck(RepoRequest, `81 ${fixstr('repo')} d9 01 72`)).toEqual({ repo: 'r' });
      expect(decodeAndCheck(RepoRequest, `81 ${fixstr('repo')} da 0001 72`)).toEqual({ repo: 'r' });
      expect(decodeAndCheck(RepoRequest, `81 ${fixstr('repo')} db 00000001 72`)).toEqual({ repo: 'r' });
    });

    it('reads keys in any order and keeps unknown ones', () => {
      expect(decodeAndCheck(RepoRequest, `82 ${fixstr('future')} 93 01 02 03 ${fixstr('repo')} a1 72`)).toEqual({
        future: [1, 2, 3],
        repo: 'r',
      });
    });

    it('reads a nested batch result by hand', () => {
      const raw = `81 ${fixstr('results')} 91 84 ${fixstr('id')} a1 61 ${fixstr('method')} ${fixstr('GetBlob')} ${fixstr('ok')} c3
        ${fixstr('response')} 83 ${fixstr('hash')} a1 68 ${fixstr('size')} 01 ${fixstr('content')} c4 01 2a`;
      expect(decodeAndCheck(BatchOperationsResponse, raw)).toEqual({
        results: [{ id: 'a', method: 'GetBlob', ok: true, response: { hash: 'h', size: 1, content: Uint8Array.of(42) } }],
      });
    });

    it('reads a view into a larger buffer without reading past its end', () => {
      const encoded = msgpackCodec.encode(HealthResponse, { status: 's'.repeat(200), version: 'v'.repeat(100) });
      const backing = new Uint8Array(encoded.length + 200).fill(0xc1);
      backing.set(encoded, 100);
      expect(decodeAndCheck(HealthResponse, backing.subarray(100, 100 + encoded.length))).toEqual({
        status: 's'.repeat(200),
        version: 'v'.repeat(100),
      });
    });

    it('hands out bytes fields as views into the input, as documented', () => {
      const input = hex(`81 ${fixstr('data')} c4 02 0a 0b`);
      const decoded = decode(DataChunk, input) as DataChunk;
      expect(decoded.data.buffer).toBe(input.buffer);
      expect(decoded.data.byteOffset).toBe(8);
    });

    it('reads many distinct keys of the same length correctly', () => {
      // msgpackr caches short keys by length and leading bytes; a wrong hit would swap fields.
      for (let i = 0; i < 500; i++) {
        const key = `k${(i * 7919).toString(36).padStart(4, '0')}`;
        expect(decode(Empty, `81 ${fixstr(key)} 01`)).toEqual({ [key]: 1 });
      }
    });
  });

  describe('malformed input is invalid_argument', () => {
    it('empty input', () => {
      expectInvalid(() => decode(StoreBlobRequest, new Uint8Array(0)), /malformed MessagePack/);
    });

    it('every truncation of a valid message', () => {
      const encoded = wire(
        msgpackCodec.encode(BatchOperationsResponse, {
          results: [{ id: 'a', method: 'GetBlob', ok: true, response: { hash: hash('1'), size: 300, content: pseudoRandomBytes(300) } }],
        }),
      );
      for (let end = 0; end < encoded.length; end++)
        expectInvalid(() => decode(BatchOperationsResponse, encoded.subarray(0, end)), /malformed MessagePack/);
    });

    it('every truncation of the batch request', () => {
      const encoded = wire(msgpackCodec.encode(CommitRequest, commitRequest));
      for (let end = 0; end < encoded.length; end++) expectInvalid(() => decode(CommitRequest, encoded.subarray(0, end)));
    });

    it.each([
      ['one nil', 'c0'],
      ['a fixint', '00'],
      ['another map', '80'],
      ['a string', 'a1 78'],
    ])('trailing bytes: %s', (_label, trailer) => {
      expectInvalid(() => decode(RepoRequest, `81 ${fixstr('repo')} a1 72 ${trailer}`), /malformed MessagePack/);
    });

    it('refuses trailing bytes after a large message without serialising it, with a short message', () => {
      // msgpackr's own unpack JSON-serialises the whole value to word this error: seconds of CPU
      // for a large body, from any client. The error must cost no more than the decode.
      const large = msgpackCodec.encode(CommitRequest, {
        ...commitRequest,
        changes: Array.from({ length: 2_000 }, (_, i) => ({ path: `f${i}`, content: pseudoRandomBytes(512, i) })),
      });
      const withTrailer = new Uint8Array(large.byteLength + 1);
      withTrailer.set(large);
      const stringify = JSON.stringify;
      let serialised = 0;
      JSON.stringify = ((...args: Parameters<typeof stringify>) => {
        serialised++;
        return stringify(...args);
      }) as typeof stringify;
      let message = '';
      try {
        decode(CommitRequest, withTrailer);
      } catch (error) {
        message = (error as Error).message;
      } finally {
        JSON.stringify = stringify;
      }
      expect(message).toMatch(/malformed MessagePack: 1 trailing bytes/);
      expect(message.length).toBeLessThan(300);
      expect(serialised).toBe(0);
    });

    it.each([
      ['an empty fixarray', '90'],
      ['a fixarray holding a map', '91 80'],
      ['an array16', 'dc 0000'],
      ['a fixstr', 'a1 78'],
      ['a str8', 'd9 01 78'],
      ['a positive fixint', '2a'],
      ['a negative fixint', 'ff'],
      ['a uint64', 'cf 0000000000000001'],
      ['a float64', 'cb 3ff8000000000000'],
      ['nil', 'c0'],
      ['false', 'c2'],
      ['true', 'c3'],
      ['a bin8', 'c4 01 00'],
      ['a bin32', 'c6 00000000'],
    ])('a top level that is not a map: %s', (_label, raw) => {
      expectInvalid(() => decode(Empty, raw), /expected a map for govc\.v1\.Empty/);
      expectInvalid(() => decode(StoreBlobRequest, raw), /expected a map/);
    });

    it.each([
      ['str32', `81 ${fixstr('repo')} db ffffffff 72`],
      ['bin32', `81 ${fixstr('data')} c6 ffffffff 00`],
      ['array32', `81 ${fixstr('hashes')} dd ffffffff c0`],
      ['map32', 'df ffffffff a1 61 c0'],
      ['ext32', `81 ${fixstr('data')} c9 ffffffff 01 00`],
      ['str16 past the end', `81 ${fixstr('repo')} da ffff 72`],
    ])('a %s length beyond the input, without allocating it', (_label, raw) => {
      expectInvalid(() => decode(HasObjectsRequest, raw), /malformed MessagePack/);
    });

    it.each([
      ['an unknown fixext type', `81 ${fixstr('a')} d4 05 00`],
      ['an unknown ext8 type', `81 ${fixstr('a')} c7 01 33 00`],
      ['a bundled-strings extension without strings', 'd6 62 00000005 80'],
      ['a regular-expression extension that does not compile', `81 ${fixstr('a')} d4 78 00 92 a1 28 a0`],
      ['an error extension without data', `81 ${fixstr('a')} d4 65 00 c0`],
      ['a map used as a key', '81 80 01'],
      ['an array used as a key', '81 91 01 01'],
    ])('%s', (_label, raw) => {
      expectInvalid(() => decode(Empty, raw), /malformed MessagePack/);
    });

    it('refuses msgpackr reference extensions, which can build cyclic values', () => {
      // Regression: `{a: [<itself>]}` decoded, passed checkMessage (an unknown field) and then made
      // JSON.stringify throw a TypeError wherever the message was logged or re-encoded.
      const cyclic = `81 ${fixstr('a')} d6 69 00000001 91 d6 70 00000001`;
      expectInvalid(() => decode(Empty, cyclic), /malformed MessagePack/);
      expectInvalid(() => decode(Empty, `81 ${fixstr('a')} d6 70 00000001`), /malformed MessagePack/);
      expectInvalid(() => decode(Empty, `81 ${fixstr('a')} d6 69 00000001 80`), /malformed MessagePack/);
    });

    it('survives deeply nested arrays and keeps working afterwards', () => {
      const deep = new Uint8Array(300_000).fill(0x91);
      deep.set(hex(`81 ${fixstr('a')}`), 0);
      expectInvalid(() => decode(Empty, deep), /malformed MessagePack/);
      expect(decodeAndCheck(RepoRequest, `81 ${fixstr('repo')} a1 72`)).toEqual({ repo: 'r' });
    });

    it('keeps working after every kind of failure', () => {
      const good = wire(msgpackCodec.encode(CommitRequest, commitRequest));
      for (const bad of ['', 'c1', '81 a1', '81 a1 61 d4 05 00', 'dd ffffffff', '80 00']) {
        expectInvalid(() => decode(CommitRequest, bad));
        expect(decodeAndCheck(CommitRequest, good)).toEqual(commitRequest);
      }
    });
  });

  describe('hostile input', () => {
    it('does not let a __proto__ key reach any prototype', () => {
      const decoded = decode(
        RepoRequest,
        `82 ${fixstr('__proto__')} 82 ${fixstr('polluted')} c3 ${fixstr('repo')} a1 78 ${fixstr('repo')} a1 72`,
      ) as object;
      expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
      expect((decoded as { polluted?: unknown }).polluted).toBeUndefined();
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      expect((decoded as RepoRequest).repo).toBe('r');
    });

    it('does not let a __proto__ key supply a required field', () => {
      expectInvalid(() => decodeAndCheck(RepoRequest, `81 ${fixstr('__proto__')} 81 ${fixstr('repo')} a1 78`), 'repo: expected a value');
    });

    it('does not let a nested __proto__ key reach any prototype', () => {
      const raw = `81 ${fixstr('results')} 91 85 ${fixstr('id')} a1 61 ${fixstr('method')} ${fixstr('GetBlob')} ${fixstr('ok')} c3
        ${fixstr('response')} 84 ${fixstr('__proto__')} 81 ${fixstr('polluted')} c3 ${fixstr('hash')} a1 68 ${fixstr('size')} 00 ${fixstr('content')} c4 00
        ${fixstr('__proto__')} 81 ${fixstr('polluted')} c3`;
      const decoded = decodeAndCheck(BatchOperationsResponse, raw) as BatchOperationsResponse;
      expect(Object.getPrototypeOf(decoded.results[0]!.response)).toBe(Object.prototype);
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    });

    it('reads keys named like Object.prototype members as plain data', () => {
      const decoded = decodeAndCheck(RepoRequest, `83 ${fixstr('constructor')} 01 ${fixstr('toString')} 02 ${fixstr('repo')} a1 72`);
      expect(decoded).toEqual({ constructor: 1, toString: 2, repo: 'r' });
    });

    it('does not carry record definitions from one decode into the next', () => {
      const withRecord = `81 ${fixstr('b')} d4 72 40 91 ${fixstr('a')} 01`;
      try {
        decode(Empty, withRecord);
      } catch (error) {
        expectInvalid(() => {
          throw error;
        });
      }
      // 0x40 is a plain positive fixint here, not a reference to the record defined above.
      expect(decode(Empty, `81 ${fixstr('b')} 40`)).toEqual({ b: 64 });
    });

    it('decodes 0xc1 without crashing, and checkMessage rejects it', () => {
      expectInvalid(() => decodeAndCheck(RepoRequest, `81 ${fixstr('repo')} c1`), 'repo: expected a string');
    });

    it.each([
      ['0xc1', 'c1'],
      ['a timestamp', 'd6 ff 00000001'],
      ['a Set', 'd4 73 00 90'],
      ['an Error', 'd4 65 00 92 a5 4572726f72 a1 78'],
      ['a Uint8Array extension', 'd5 74 01 05'],
    ])('refuses %s at the top level, which is not a map', (_label, raw) => {
      // Regression: these decode to objects (msgpackr's 0xc1 marker, Date, Set, Error) and passed
      // the "is it an object" test, so a bare 0xc1 was a valid Empty message.
      expectInvalid(() => decode(Empty, raw), /expected a map for govc\.v1\.Empty/);
    });

    it.each([
      ['a timestamp (Date)', 'd6 ff 00000001'],
      ['a 64-bit timestamp', 'd7 ff 0000000000000001'],
      ['a Set', 'd4 73 00 91 01'],
      ['an Error', 'd4 65 00 92 a5 4572726f72 a1 78'],
      ['a RegExp', 'd4 78 00 92 a1 78 a0'],
      ['a Float64Array', 'c7 09 74 0a 0000000000000000'],
      ['a BigInt', 'd4 42 05'],
      ['0xc1', 'c1'],
    ])('rejects %s wherever a message, string, uint, bytes or array belongs', (_label, ext) => {
      // Regression for the message positions: a Date, Set, Error or RegExp is an object, and passed
      // for a message whose fields are all optional (Empty, UploadBlobChunk, UpdateRef's response).
      expectInvalid(() => decodeAndCheck(Empty, ext));
      expectInvalid(
        () =>
          decodeAndCheck(
            BatchOperationsResponse,
            `81 ${fixstr('results')} 91 84 ${fixstr('id')} a1 61 ${fixstr('method')} ${fixstr('UpdateRef')} ${fixstr('ok')} c3 ${fixstr('response')} ${ext}`,
          ),
        'results[0].response',
      );
      expectInvalid(
        () =>
          decodeAndCheck(
            CommitRequest,
            `85 ${fixstr('repo')} a1 72 ${fixstr('branch')} a1 62 ${fixstr('message')} a0 ${fixstr('author')} ${ext} ${fixstr('changes')} 90`,
          ),
        'author',
      );
      expectInvalid(() => decodeAndCheck(RepoRequest, `81 ${fixstr('repo')} ${ext}`), 'repo');
      expectInvalid(() => decodeAndCheck(BlobRef, `82 ${fixstr('hash')} a1 68 ${fixstr('size')} ${ext}`), 'size');
      expectInvalid(() => decodeAndCheck(DataChunk, `81 ${fixstr('data')} ${ext}`), 'data');
      expectInvalid(() => decodeAndCheck(HasObjectsResponse, `81 ${fixstr('present')} ${ext}`), 'present');
      expectInvalid(() => decodeAndCheck(ErrorDetail, `81 ${fixstr('message')} ${ext}`));
    });

    it.each([
      ['uint64 = 2^53', 'cf 0020000000000000'],
      ['uint64 = 2^53 + 1', 'cf 0020000000000001'],
      ['uint64 = 2^64 - 1', 'cf ffffffffffffffff'],
      ['int64 = -(2^53)', 'd3 ffe0000000000000'],
      ['int64 = -(2^63)', 'd3 8000000000000000'],
      ['int64 = 2^62', 'd3 4000000000000000'],
    ])('decodes %s without crashing, and checkMessage rejects it', (_label, raw) => {
      const value = decode(BlobRef, `82 ${fixstr('hash')} a1 68 ${fixstr('size')} ${raw}`) as { size: unknown };
      expect(Number.isSafeInteger(value.size)).toBe(false);
      expectInvalid(
        () => decodeAndCheck(BlobRef, `82 ${fixstr('hash')} a1 68 ${fixstr('size')} ${raw}`),
        'size: expected a non-negative integer',
      );
      expectInvalid(
        () => decodeAndCheck(Person, `83 ${fixstr('name')} a1 6e ${fixstr('email')} a1 65 ${fixstr('time')} ${raw}`),
        'time: expected an integer',
      );
    });

    it('refuses random bytes, only ever with invalid_argument, from more than one check', () => {
      const noise = pseudoRandomBytes(200_000, 12345);
      let accepted = 0;
      const reasons = new Set<string>();
      for (let start = 0; start + 64 <= noise.length; start += 64) {
        // Start each sample with a fixmap header so that some of them get past the first byte.
        const input = Uint8Array.from(noise.subarray(start, start + 64));
        if (start % 128 === 0) input[0] = 0x80 | (input[0]! & 0x0f);
        try {
          decodeAndCheck(UploadBlobChunk, input); // every field optional: the likeliest to pass
          accepted++;
        } catch (error) {
          expectInvalid(() => {
            throw error;
          });
          reasons.add((error as Error).message.replace(/[0-9]+/g, 'N').slice(0, 70));
        }
      }
      // 64 random bytes are never exactly one well-formed message; and the refusals come from
      // several checks (trailing bytes, truncation, wrong field types…), not only the first byte.
      expect(accepted).toBe(0);
      expect(reasons.size).toBeGreaterThanOrEqual(3);
    });

    it('never throws anything but invalid_argument on corrupted valid messages', () => {
      const good = wire(
        msgpackCodec.encode(BatchOperationsResponse, {
          results: [
            { id: 'a', method: 'GetBlob', ok: true, response: { hash: hash('1'), size: 3, content: Uint8Array.of(1, 2, 3) } },
            { id: 'b', method: 'Commit', ok: false, error: { code: 'aborted', message: 'm' } },
          ],
        }),
      );
      const flips = pseudoRandomBytes(4000, 777);
      for (let i = 0; i < flips.length; i += 2) {
        const input = Uint8Array.from(good);
        input[flips[i]! % input.length] = flips[i + 1]!;
        try {
          decodeAndCheck(BatchOperationsResponse, input);
        } catch (error) {
          expectInvalid(() => {
            throw error;
          });
        }
      }
    });
  });

  it('does not validate on encode: checkMessage is the gate', () => {
    const encoded = msgpackCodec.encode(BlobRef, { hash: 1, size: 'x' } as never);
    expectInvalid(() => decodeAndCheck(BlobRef, wire(encoded)), 'hash: expected a string');
  });
});
