import { gzipSync } from 'node:zlib';
import { govcMethods, msgpackCodec } from '@govc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, jsonEnvelope, streamOutcome } from '../fixtures/hostile-envelopes.js';
import { gitBlobHash } from '@govc/core/conformance';
import { expectedReadBack, readBack, startHostileTarget, type HostileTarget } from '../fixtures/hostile-target.js';
import { errorOf, jsonOf, wireFactories, type Wire, type WireReply, type WireRequest } from '../fixtures/hostile-wire.js';

// Hostile request bodies against the real service behind the plain HTTP binding, over HTTP/1.1
// and HTTP/2: each is refused with the right code, a well-behaved client is served meanwhile and
// after, and the store holds exactly what it held before.

const maxMessageBytes = 64 * 1024;
const maxInflatedBytes = 1024 * 1024;
const json = { 'content-type': 'application/json' };
const msgpack = { 'content-type': 'application/msgpack' };
const streamJson = { 'content-type': 'application/govc-stream+json' };

/** One hostile request and the error it must meet. */
interface Hostile {
  readonly name: string;
  readonly path: string;
  readonly request: WireRequest;
  readonly status: number;
  readonly code: string;
}

/** 16 MiB of zeros, gzipped to about 16 KiB: 16 times the inflated cap. */
const bomb = gzipSync(Buffer.alloc(16 * maxInflatedBytes), { level: 9 });
const bigContent = Buffer.alloc(maxMessageBytes, 7).toString('base64');
/** A JSON body of 1 MiB in 16 KiB chunks, without a declared length: refused while it is read. */
const streamedOversize = [
  Buffer.from('{"repo":"r","content":"'),
  ...Array.from({ length: 64 }, () => Buffer.alloc(16 * 1024, 0x41)),
  Buffer.from('"}'),
];

const packed = (message: object) => Buffer.from(msgpackCodec.encode(govcMethods.GetBlob.input, message));
/** A MessagePack map header of `n` (< 16) entries, then `key` as a fixstr. */
const fixmap = (n: number) => Buffer.from([0x80 | n]);
const fixstr = (text: string) => Buffer.concat([Buffer.from([0xa0 | text.length]), Buffer.from(text)]);
const repoR = Buffer.concat([fixstr('repo'), fixstr('r')]);

function unaryCases(loose: { hash: string; content: string }): Hostile[] {
  const getBlob = { repo: 'r', hash: loose.hash };
  const author = { name: 'Mallory', email: 'm@example.com', time: 1_700_000_000 };
  const commitRequest = { repo: 'r', branch: 'main', message: 'hostile', author, changes: [{ path: 'x.txt', content: 'eA==' }] };
  const bad = (name: string, path: string, request: WireRequest, status = 400, code = 'invalid_argument'): Hostile => ({
    name,
    path,
    request,
    status,
    code,
  });
  const jsonBody = (text: string | Buffer) => ({ headers: json, body: text });
  const msgpackBody = (bytes: Buffer) => ({ headers: msgpack, body: bytes });
  return [
    // Malformed and truncated JSON.
    bad('truncated JSON', '/v1/GetBlob', jsonBody(JSON.stringify(getBlob).slice(0, 20))),
    bad('JSON5-ish unquoted keys', '/v1/GetBlob', jsonBody(`{repo: 'r', hash: '${loose.hash}'}`)),
    bad('an empty JSON body', '/v1/GetBlob', jsonBody('')),
    bad(
      'invalid UTF-8 in JSON',
      '/v1/GetRepository',
      jsonBody(Buffer.from([0x7b, 0x22, 0x72, 0x65, 0x70, 0x6f, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
    ),
    bad('a JSON array at the top', '/v1/GetRepository', jsonBody('[{"repo":"r"}]')),
    bad('a JSON string at the top', '/v1/GetRepository', jsonBody('"r"')),
    bad('JSON null', '/v1/GetRepository', jsonBody('null')),
    bad('JSON nested 50,000 deep', '/v1/GetRepository', jsonBody(`{"repo":${'['.repeat(25_000)}${']'.repeat(25_000)}}`)),
    // Wrong types.
    bad('repo: 5', '/v1/GetRepository', jsonBody('{"repo":5}')),
    bad('repo: ["r"]', '/v1/GetBlob', jsonBody(JSON.stringify({ ...getBlob, repo: ['r'] }))),
    bad('content: "not base64!"', '/v1/StoreBlob', jsonBody('{"repo":"r","content":"not base64!"}')),
    bad('content: 123', '/v1/StoreBlob', jsonBody('{"repo":"r","content":123}')),
    bad('content: an array of base64', '/v1/StoreBlob', jsonBody('{"repo":"r","content":["aGk="]}')),
    bad(
      'changes: an object where an array goes',
      '/v1/Commit',
      jsonBody(JSON.stringify({ ...commitRequest, changes: { path: 'x.txt', content: 'eA==' } })),
    ),
    bad('changes: arrays where objects go', '/v1/Commit', jsonBody(JSON.stringify({ ...commitRequest, changes: [['x.txt', 'eA==']] }))),
    bad('author: a string', '/v1/Commit', jsonBody(JSON.stringify({ ...commitRequest, author: 'Mallory <m@example.com>' }))),
    bad('author.time: 1e300', '/v1/Commit', jsonBody(JSON.stringify({ ...commitRequest, author: { ...author, time: 1e300 } }))),
    bad('hashes: a string where an array goes', '/v1/HasObjects', jsonBody(JSON.stringify({ repo: 'r', hashes: loose.hash }))),
    bad('limit: -1', '/v1/ListCommits', jsonBody('{"repo":"r","ref":"main","limit":-1}')),
    bad('limit: "5"', '/v1/ListCommits', jsonBody('{"repo":"r","ref":"main","limit":"5"}')),
    bad(
      'UpdateRef with newHash: null and no expectedOldHash',
      '/v1/UpdateRef',
      jsonBody(JSON.stringify({ repo: 'r', name: 'refs/heads/dev', newHash: null })),
    ),
    // Malformed MessagePack.
    bad('truncated MessagePack', '/v1/GetBlob', msgpackBody(packed(getBlob).subarray(0, 12))),
    bad('MessagePack with trailing bytes', '/v1/GetBlob', msgpackBody(Buffer.concat([packed(getBlob), Buffer.from([0xc0])]))),
    bad('MessagePack 0xc1 (never used)', '/v1/GetRepository', msgpackBody(Buffer.from([0xc1]))),
    bad('a MessagePack array at the top', '/v1/GetRepository', msgpackBody(Buffer.from([0x91, ...fixmap(1), ...repoR]))),
    bad('MessagePack repo as an integer', '/v1/GetRepository', msgpackBody(Buffer.from([...fixmap(1), ...fixstr('repo'), 0x05]))),
    bad(
      'MessagePack content as str, not bin',
      '/v1/StoreBlob',
      msgpackBody(Buffer.concat([fixmap(2), repoR, fixstr('content'), fixstr('aGk=')])),
    ),
    bad(
      'MessagePack bin32 claiming 4 GiB',
      '/v1/StoreBlob',
      msgpackBody(Buffer.concat([fixmap(2), repoR, fixstr('content'), Buffer.from([0xc6, 0xff, 0xff, 0xff, 0xff, 1, 2, 3])])),
    ),
    bad('MessagePack map32 claiming 4 G entries', '/v1/GetRepository', msgpackBody(Buffer.from([0xdf, 0xff, 0xff, 0xff, 0xff, ...repoR]))),
    bad(
      'MessagePack nested 50,000 deep',
      '/v1/GetRepository',
      msgpackBody(Buffer.concat([fixmap(1), fixstr('repo'), Buffer.alloc(50_000, 0x91), Buffer.from([0xc0])])),
    ),
    bad(
      'MessagePack timestamp ext as repo',
      '/v1/GetRepository',
      msgpackBody(Buffer.from([...fixmap(1), ...fixstr('repo'), 0xd6, 0xff, 0, 0, 0, 1])),
    ),
    bad(
      'MessagePack uint64 limit past 2^53',
      '/v1/ListCommits',
      msgpackBody(
        Buffer.concat([
          fixmap(3),
          repoR,
          fixstr('ref'),
          fixstr('main'),
          fixstr('limit'),
          Buffer.from([0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        ]),
      ),
    ),
    bad('JSON sent as application/msgpack', '/v1/GetBlob', msgpackBody(Buffer.from(JSON.stringify(getBlob)))),
    bad('MessagePack sent as application/json', '/v1/GetBlob', jsonBody(packed(getBlob))),
    // Wrong content types.
    bad('application/xml', '/v1/GetRepository', { headers: { 'content-type': 'application/xml' }, body: '<repo>r</repo>' }),
    bad('no content type', '/v1/GetRepository', { body: '{"repo":"r"}' }),
    bad('a stream content type on a unary method', '/v1/GetRepository', { headers: streamJson, body: jsonEnvelope({ repo: 'r' }) }),
    // A form type is what a cross-site page sends: the loopback guard refuses it first (SPEC: Server).
    bad(
      'text/plain (a cross-site simple request)',
      '/v1/StoreBlob',
      { headers: { 'content-type': 'text/plain' }, body: '{"repo":"r","content":"eA=="}' },
      403,
      'permission_denied',
    ),
    // Content encodings.
    bad('content-encoding: br', '/v1/GetBlob', { headers: { ...json, 'content-encoding': 'br' }, body: JSON.stringify(getBlob) }),
    bad('gzip that is not gzip', '/v1/GetBlob', { headers: { ...json, 'content-encoding': 'gzip' }, body: JSON.stringify(getBlob) }),
    bad('truncated gzip', '/v1/GetBlob', {
      headers: { ...json, 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(getBlob)).subarray(0, 20),
    }),
    bad('gzip of malformed JSON', '/v1/GetBlob', { headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync('{"repo":') }),
    bad(
      'a gzip bomb (16 MiB of zeros, 1 MiB cap)',
      '/v1/StoreBlob',
      { headers: { ...json, 'content-encoding': 'gzip' }, body: bomb },
      429,
      'resource_exhausted',
    ),
    // Over the message limit, declared and undeclared.
    bad(
      'a body over maxMessageBytes, with content-length',
      '/v1/StoreBlob',
      jsonBody(`{"repo":"r","content":"${bigContent}"}`),
      429,
      'resource_exhausted',
    ),
    // Was a bug over HTTP/2: the reader's early exit destroyed the stream (RST CANCEL, no 429).
    bad(
      'a body over maxMessageBytes, streamed without a length',
      '/v1/StoreBlob',
      { headers: json, chunks: streamedOversize },
      429,
      'resource_exhausted',
    ),
    // Batches: the request as a whole is refused.
    bad(
      'a batch of 1,001 ops',
      '/v1/BatchOperations',
      jsonBody(
        JSON.stringify({
          repo: 'r',
          atomic: true,
          operations: Array.from({ length: 1_001 }, (_, i) => ({ id: String(i), method: 'ListRefs', request: {} })),
        }),
      ),
    ),
    bad(
      'a batch op of a method that cannot be batched',
      '/v1/BatchOperations',
      jsonBody(JSON.stringify({ repo: 'r', atomic: false, operations: [{ id: '1', method: 'DeleteRepository', request: { repo: 'r' } }] })),
    ),
    bad(
      'a batch op without a method',
      '/v1/BatchOperations',
      jsonBody(JSON.stringify({ repo: 'r', atomic: false, operations: [{ id: '1', request: { repo: 'r' } }] })),
    ),
  ];
}

function streamCases(loose: { hash: string; content: string }): Hostile[] {
  const size = Buffer.byteLength(loose.content);
  const first = jsonEnvelope({ repo: 'r', size });
  const data = jsonEnvelope({ data: Buffer.from(loose.content).toString('base64') });
  const bad = (
    name: string,
    chunks: Buffer[],
    status = 400,
    code = 'invalid_argument',
    headers: Record<string, string> = streamJson,
  ): Hostile => ({
    name,
    path: '/v1/UploadBlob',
    request: { headers, chunks },
    status,
    code,
  });
  return [
    bad('an end-of-stream envelope (flags 0x02) in a request', [first, envelope(0x02, '{}'), data]),
    bad('a length beyond the body', [first, envelope(0, '{"data":"eA=="}', 100)]),
    bad('a truncated envelope header', [first, Buffer.from([0, 0, 0])]),
    bad('a length of 4 GiB', [first, envelope(0, '{}', 0xffff_ffff)], 429, 'resource_exhausted'),
    bad('a length just over maxMessageBytes', [first, envelope(0, '{}', maxMessageBytes + 1)], 429, 'resource_exhausted'),
    bad('flags 0x01 on bytes that are not gzip', [first, envelope(0x01, '{"data":"eA=="}')]),
    bad('a gzip bomb in a compressed envelope', [first, envelope(0x01, bomb)], 429, 'resource_exhausted'),
    bad('malformed JSON in an envelope', [envelope(0, '{"repo":"r",')]),
    bad('MessagePack in a JSON stream', [envelope(0, packed({ repo: 'r' }))]),
    bad('no envelope at all', []),
    bad('a first message without repo', [jsonEnvelope({ size }), data]),
    bad('repo: 5 in the first message', [jsonEnvelope({ repo: 5 }), data]),
    bad('data that is not base64', [first, jsonEnvelope({ data: 'not base64!' })]),
    bad('more bytes than the declared size', [jsonEnvelope({ repo: 'r', size: 2 }), data]),
    bad('fewer bytes than the declared size', [jsonEnvelope({ repo: 'r', size: size + 10 }), data]),
    bad('repo again in a later message', [first, jsonEnvelope({ repo: 'other', data: 'eA==' })]),
    bad('a unary content type on a stream', [first, data], 400, 'invalid_argument', json),
    bad('an unknown stream codec', [first, data], 400, 'invalid_argument', { 'content-type': 'application/govc-stream+xml' }),
  ];
}

describe.each(wireFactories)('hostile bodies over %s', (wireName, makeWire) => {
  let t: HostileTarget;
  let hostile: Wire;
  let good: Wire;
  beforeAll(async () => {
    t = await startHostileTarget({ binding: { maxMessageBytes, maxInflatedBytes } });
    hostile = makeWire(t.url);
    good = makeWire(t.url);
  });
  afterAll(async () => {
    await hostile?.[Symbol.asyncDispose]();
    await good?.[Symbol.asyncDispose]();
    await t?.[Symbol.asyncDispose]();
  });

  /** Sends `c` alongside a well-behaved client; checks the refusal, both clients afterwards, and the store. */
  async function expectRefused(c: Hostile, outcome: (reply: WireReply) => { status: number; code: string | undefined }): Promise<void> {
    const [reply, meanwhile] = await Promise.all([hostile.send(c.path, c.request), readBack(good, t.seeded)]);
    expect(outcome(reply), reply.body.toString().slice(0, 300)).toEqual({ status: c.status, code: c.code });
    expect(meanwhile).toEqual(expectedReadBack(t.seeded));
    expect(await readBack(hostile, t.seeded)).toEqual(expectedReadBack(t.seeded));
    expect(await t.snapshot()).toEqual(t.initial);
  }

  it('serves the well-formed versions of what follows (the control): JSON, MessagePack, gzip, unknown fields, envelopes', async () => {
    const { hash, content } = t.seeded.looseBlob;
    const asText = (reply: WireReply) => Buffer.from((jsonOf(reply) as { content: string }).content, 'base64').toString();
    const request = { repo: 'r', hash };
    expect(asText(await hostile.send('/v1/GetBlob', { headers: json, body: JSON.stringify(request) }))).toBe(content);
    const packedReply = await hostile.send('/v1/GetBlob', { headers: { ...msgpack, accept: 'application/json' }, body: packed(request) });
    expect(asText(packedReply)).toBe(content);
    const gzipped = await hostile.send('/v1/GetBlob', {
      headers: { ...json, 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(request)),
    });
    expect(asText(gzipped)).toBe(content);
    const chunked = await hostile.send('/v1/GetBlob', {
      headers: json,
      chunks: [Buffer.from(JSON.stringify(request).slice(0, 10)), Buffer.from(JSON.stringify(request).slice(10))],
    });
    expect(asText(chunked)).toBe(content);
    // Unknown fields are ignored, as protobuf does: a claimed hash or size changes nothing.
    const restored = await hostile.send('/v1/StoreBlob', {
      headers: json,
      body: JSON.stringify({ repo: 'r', content: Buffer.from(content).toString('base64'), hash: '0'.repeat(40), size: 999, tree: 'x' }),
    });
    expect(jsonOf(restored)).toEqual({ hash, size: Buffer.byteLength(content) });
    // The same bytes through UploadBlob's envelopes, and one gzip-compressed envelope.
    const size = Buffer.byteLength(content);
    const data = Buffer.from(JSON.stringify({ data: Buffer.from(content).toString('base64') }));
    for (const second of [envelope(0, data), envelope(0x01, gzipSync(data))]) {
      const uploaded = await hostile.send('/v1/UploadBlob', { headers: streamJson, chunks: [jsonEnvelope({ repo: 'r', size }), second] });
      expect(streamOutcome(uploaded)).toEqual({ status: 200, code: 'ok', messages: [{ hash, size }] });
    }
    expect(gitBlobHash(content)).toBe(hash);
    expect(await t.snapshot()).toEqual(t.initial);
  });

  describe('unary bodies', () => {
    // Built lazily: the cases need the seeded hashes.
    for (const { name } of unaryCases({ hash: '0'.repeat(40), content: '' })) {
      it(`refuses ${name}`, async () => {
        const c = unaryCases(t.seeded.looseBlob).find((each) => each.name === name)!;
        await expectRefused(c, errorOf);
      });
    }
  });

  describe('UploadBlob envelopes (application/govc-stream+json)', () => {
    const names = streamCases({ hash: '0'.repeat(40), content: '' }).map((c) => c.name);
    it.each(names)('refuses %s', async (name) => {
      const c = streamCases(t.seeded.looseBlob).find((each) => each.name === name)!;
      await expectRefused(c, (reply) => {
        const { status, code } = streamOutcome(reply);
        return { status, code };
      });
    });
  });

  it('refuses reserved envelope flags (0x04, 0x80) with invalid_argument', async () => {
    // The README defines 0x00 and 0x01 for requests (0x02 only in responses).
    const { content } = t.seeded.looseBlob;
    const data = JSON.stringify({ data: Buffer.from(content).toString('base64') });
    for (const flags of [0x04, 0x80]) {
      const reply = await hostile.send('/v1/UploadBlob', {
        headers: streamJson,
        chunks: [jsonEnvelope({ repo: 'r', size: Buffer.byteLength(content) }), envelope(flags, data)],
      });
      expect(streamOutcome(reply), `flags ${flags}`).toEqual({ status: 400, code: 'invalid_argument', messages: [] });
    }
    expect(await t.snapshot()).toEqual(t.initial);
  });

  it('refuses a batch op on another repository in its own result, and moves no ref', async () => {
    const operations = [
      { id: 'ok', method: 'UpdateRef', request: { name: 'refs/heads/made', newHash: t.seeded.commit, expectedOldHash: '' } },
      {
        id: 'elsewhere',
        method: 'UpdateRef',
        request: { repo: 'other', name: 'refs/heads/x', newHash: t.seeded.commit, expectedOldHash: '' },
      },
    ];
    const reply = await hostile.send('/v1/BatchOperations', {
      headers: json,
      body: JSON.stringify({ repo: 'r', atomic: true, operations }),
    });
    expect(reply.status).toBe(200);
    const { results } = jsonOf(reply) as { results: Array<{ id: string; ok: boolean; error?: { code: string } }> };
    expect(results.map((r) => [r.id, r.ok, r.error?.code])).toEqual([
      ['ok', false, 'aborted'],
      ['elsewhere', false, 'invalid_argument'],
    ]);
    expect(await t.snapshot()).toEqual(t.initial);
  });

  it('leaves Object.prototype alone when a body carries __proto__, in JSON and MessagePack', async () => {
    const proto = '{"repo":"r","__proto__":{"repo":"other","polluted":true},"constructor":{"prototype":{"polluted":true}}}';
    const viaJson = await hostile.send('/v1/GetRepository', { headers: json, body: proto });
    const viaMsgpack = await hostile.send('/v1/GetRepository', {
      headers: { ...msgpack, accept: 'application/json' },
      body: Buffer.concat([fixmap(2), repoR, fixstr('__proto__'), fixmap(1), fixstr('polluted'), Buffer.from([0xc3])]),
    });
    for (const reply of [viaJson, viaMsgpack]) {
      // Either the field is ignored (200, repository r) or the message refused (400); never "other".
      if (reply.status === 200) expect((jsonOf(reply) as { repo: string }).repo).toBe('r');
      else expect(errorOf(reply)).toEqual({ status: 400, code: 'invalid_argument' });
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(await t.snapshot()).toEqual(t.initial);
  });
});

describe('a gzip bomb against the default limits', () => {
  it('refuses 80 MiB of zeros gzipped to 80 KiB (default cap 64 MiB) over HTTP/1.1 and HTTP/2', async () => {
    await using t = await startHostileTarget();
    const defaultBomb = gzipSync(Buffer.alloc(80 * 1024 * 1024));
    expect(defaultBomb.byteLength).toBeLessThan(16 * 1024 * 1024);
    for (const [, makeWire] of wireFactories) {
      await using wire = makeWire(t.url);
      await using good = makeWire(t.url);
      const [reply, meanwhile] = await Promise.all([
        wire.send('/v1/StoreBlob', { headers: { ...json, 'content-encoding': 'gzip' }, body: defaultBomb }),
        readBack(good, t.seeded),
      ]);
      expect(errorOf(reply)).toEqual({ status: 429, code: 'resource_exhausted' });
      expect(meanwhile).toEqual(expectedReadBack(t.seeded));
    }
    expect(await t.snapshot()).toEqual(t.initial);
  });
});
