import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createClient, GovcError, type CallOptions, type GovcClient, type GovcMethodName } from '@govc/core';
import { createGovcService } from '@govc/service';
import { createHttpBinding, createHttpTransport } from '@govc/transport-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeHandler, createAccessPolicy, methodAccess, parseTokenGrants, type AccessLevel } from '../../src/index.js';
import { startServer, type TestServer } from '../fixtures/test-server.js';

const run = promisify(execFile);
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const ada = { name: 'Ada', email: 'ada@example.com' };

const tokens = {
  admin: 'admin-token-0123456789',
  writer: 'writer-token-0123456789',
  reader: 'reader-token-0123456789',
  other: 'other-token-0123456789',
};
const grants = parseTokenGrants(
  JSON.stringify({
    tokens: [
      { name: 'admin', token: tokens.admin, repos: { '*': 'admin' } },
      { name: 'writer', token: tokens.writer, repos: { 'app-*': 'write' } },
      { name: 'reader', token: tokens.reader, repos: { 'app-*': 'read' } },
      { name: 'other', token: tokens.other, repos: { 'other-*': 'admin' } },
    ],
  }),
  'test tokens',
);

type Who = 'none' | 'wrong token' | 'wrong header' | 'wrong scheme' | keyof typeof tokens;
const everyone: readonly Who[] = ['none', 'wrong token', 'wrong header', 'wrong scheme', 'reader', 'writer', 'other', 'admin'];

function headersOf(who: Who): Record<string, string> {
  switch (who) {
    case 'none':
      return {};
    case 'wrong token':
      return { authorization: 'Bearer not-a-known-token-at-all' };
    case 'wrong header':
      return { 'x-api-key': tokens.admin };
    case 'wrong scheme':
      return { authorization: `Token ${tokens.admin}` };
    default:
      return { authorization: `Bearer ${tokens[who]}` };
  }
}

/** What `who` gets from a method needing `needed` in an `app-*` repository. */
function expected(who: Who, method: GovcMethodName): 'ok' | 'unauthenticated' | 'permission_denied' {
  const needed = methodAccess[method];
  if (needed === 'none') return 'ok';
  if (who === 'none' || who.startsWith('wrong')) return 'unauthenticated';
  // Any known token may list: it sees only what it may read.
  if (method === 'ListRepositories') return 'ok';
  const level: AccessLevel = who === 'admin' ? 'admin' : who === 'writer' ? 'write' : who === 'reader' ? 'read' : 'none';
  const rank = { none: 0, read: 1, write: 2, admin: 3 };
  return rank[level] >= rank[needed] ? 'ok' : 'permission_denied';
}

async function outcome(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (error) {
    if (error instanceof GovcError) return error.code;
    throw error;
  }
}

async function drain(stream: AsyncIterable<unknown>, most = Infinity): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of stream) {
    out.push(item);
    if (out.length >= most) break;
  }
  return out;
}

let server: TestServer;
let repoCounter = 0;
let base: { commit: string; blob: string; watchFrom: Record<string, number> };

beforeAll(async () => {
  const service = createGovcService();
  const accessPolicy = createAccessPolicy(grants);
  server = await startServer({
    accessPolicy,
    bindings: [createHttpBinding(authorizeHandler(service, accessPolicy), { privateCache: true })],
  });
  const admin = clientFor('1.1', 'admin');
  await admin.createRepository({ repo: 'app-1' });
  await admin.createRepository({ repo: 'other-1' });
  // Where each repository's ref numbering starts (a client learns it from the events it sees).
  const watchFrom: Record<string, number> = {};
  for (const repo of ['app-1', 'other-1']) watchFrom[repo] = (await service.store.refHistory(repo, 0)).lastSeq;
  const { hash: blob } = await admin.storeBlob({ repo: 'app-1', content: text('hello') });
  const { hash: commit } = await admin.commit({
    repo: 'app-1',
    branch: 'main',
    message: 'base',
    author: ada,
    changes: [{ path: 'f.txt', content: text('hello') }],
  });
  base = { commit, blob, watchFrom };
});
const transports: ReturnType<typeof createHttpTransport>[] = [];
afterAll(async () => {
  await Promise.all(transports.map((t) => t.close()));
  await server?.[Symbol.asyncDispose]();
});

function clientFor(httpVersion: '1.1' | '2', who: Who): GovcClient {
  const transport = createHttpTransport({ baseUrl: server.url, httpVersion });
  transports.push(transport);
  const headers = headersOf(who);
  return createClient(transport, {
    middleware: [(next) => (call) => next({ ...call, headers: { ...call.headers, ...headers } })],
  });
}

/** One valid call of each method (Health aside) in repository `app-1` (Create/Delete on a fresh name). */
function callOf(client: GovcClient, method: GovcMethodName, options: CallOptions = {}): Promise<unknown> {
  const repo = 'app-1';
  switch (method) {
    case 'Health':
      return client.health({}, options);
    case 'CreateRepository':
      return client.createRepository({ repo: `app-new-${repoCounter++}` }, options);
    case 'DeleteRepository':
      return (async () => {
        const fresh = `app-gone-${repoCounter++}`;
        await clientFor('1.1', 'admin').createRepository({ repo: fresh });
        return client.deleteRepository({ repo: fresh }, options);
      })();
    case 'GetRepository':
      return client.getRepository({ repo }, options);
    case 'ListRepositories':
      return client.listRepositories({}, options);
    case 'StoreBlob':
      return client.storeBlob({ repo, content: text(`blob ${repoCounter++}`) }, options);
    case 'GetBlob':
      return client.getBlob({ repo, hash: base.blob }, options);
    case 'HasObjects':
      return client.hasObjects({ repo, hashes: [base.blob] }, options);
    case 'UploadBlob':
      return client.uploadBlob(
        (async function* () {
          yield { repo, size: 3 };
          yield { data: text('abc') };
        })(),
        options,
      );
    case 'DownloadBlob':
      return drain(client.downloadBlob({ repo, hash: base.blob }, options));
    case 'Commit':
      return client.commit({ repo, branch: `b${repoCounter++}`, message: 'm', author: ada, changes: [] }, options);
    case 'GetCommit':
      return client.getCommit({ repo, hash: base.commit }, options);
    case 'ListCommits':
      return client.listCommits({ repo, ref: 'main' }, options);
    case 'ReadFile':
      return client.readFile({ repo, ref: 'main', path: 'f.txt' }, options);
    case 'ListTree':
      return client.listTree({ repo, ref: 'main' }, options);
    case 'ListRefs':
      return client.listRefs({ repo, prefix: 'refs/heads/' }, options);
    case 'UpdateRef':
      return client.updateRef({ repo, name: `refs/tags/t${repoCounter++}`, newHash: base.commit, expectedOldHash: '' }, options);
    case 'BatchOperations':
      return client.batchOperations({ repo, operations: [{ id: 'read', method: 'GetCommit', request: { hash: base.commit } }] }, options);
    case 'WatchRefs':
      // History from the start: the base commit's ref event comes at once (other-1 has none: its watch waits).
      return drain(client.watchRefs({ repo, sinceSeq: base.watchFrom[repo] ?? 0 }, options), 1);
  }
}

const methods = Object.keys(methodAccess) as GovcMethodName[];

describe.each(['1.1', '2'] as const)('auth over HTTP/%s', (httpVersion) => {
  for (const who of everyone) {
    it(`gives ${who} exactly what its token grants, method by method`, async () => {
      const client = clientFor(httpVersion, who);
      const got: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const method of methods) {
        got[method] = await outcome(callOf(client, method));
        want[method] = expected(who, method);
      }
      expect(got).toEqual(want);
    });
  }

  it('denies another repository’s token every repository but its own, and lists only those', async () => {
    const other = clientFor(httpVersion, 'other');
    await expect(other.getRepository({ repo: 'app-1' })).rejects.toMatchObject({ code: 'permission_denied' });
    expect((await other.getRepository({ repo: 'other-1' })).repo).toBe('other-1');
    expect((await other.listRepositories({})).repos.map((r) => r.repo)).toEqual(['other-1']);
    const reader = clientFor(httpVersion, 'reader');
    expect((await reader.listRepositories({})).repos.every((r) => r.repo.startsWith('app-'))).toBe(true);
  });

  it('checks a batch op by op: one write op denies a read-only token the whole batch, and nothing runs', async () => {
    const reader = clientFor(httpVersion, 'reader');
    const admin = clientFor(httpVersion, 'admin');
    const before = await admin.listRefs({ repo: 'app-1', prefix: '' });
    const batch = reader.batchOperations({
      repo: 'app-1',
      operations: [
        { id: 'r', method: 'GetCommit', request: { hash: base.commit } },
        { id: 'w', method: 'UpdateRef', request: { name: 'refs/heads/sneaky', newHash: base.commit, expectedOldHash: '' } },
      ],
    });
    await expect(batch).rejects.toMatchObject({ code: 'permission_denied', message: expect.stringContaining('"w"') });
    expect(await admin.listRefs({ repo: 'app-1', prefix: '' })).toEqual(before);
  });

  it('scopes idempotency keys to the caller: the same key from two tokens is two calls', async () => {
    const writer = clientFor(httpVersion, 'writer');
    const admin = clientFor(httpVersion, 'admin');
    const key = { headers: { 'idempotency-key': `shared-${httpVersion}` } };
    const request = { repo: 'app-1', branch: `keyed-${httpVersion}`, message: 'k', author: ada, changes: [] };
    const first = await writer.commit(request, key);
    const second = await admin.commit(request, key);
    expect(second.hash).not.toBe(first.hash);
    expect(second.parents).toEqual([first.hash]);
    expect(await writer.commit(request, key)).toEqual(first);
  });
});

describe('auth with curl, raw blob routes and /metrics included', () => {
  async function curl(...args: string[]): Promise<{ status: number; headers: string; body: string }> {
    const { stdout } = await run('curl', ['-sS', '-i', '--max-time', '10', ...args]);
    const split = stdout.indexOf('\r\n\r\n');
    const head = stdout.slice(0, split);
    return { status: Number(/^HTTP\/[\d.]+ (\d+)/.exec(head)?.[1]), headers: head, body: stdout.slice(split + 4) };
  }
  const bearer = (token: string) => ['-H', `authorization: Bearer ${token}`];

  it('guards GET and POST of raw blobs like the methods behind them', async () => {
    const get = `${server.url}/v1/repos/app-1/blobs/${base.blob}`;
    expect((await curl(get)).status).toBe(401);
    expect((await curl(...bearer('nope-nope-nope-nope'), get)).status).toBe(401);
    expect((await curl('-H', `x-api-key: ${tokens.admin}`, get)).status).toBe(401);
    expect((await curl(...bearer(tokens.other), get)).status).toBe(403);
    const read = await curl(...bearer(tokens.reader), get);
    expect(read).toMatchObject({ status: 200, body: 'hello' });
    // Behind auth no shared cache may hand one caller's blob to another.
    expect(read.headers).toMatch(/^cache-control: private, max-age=31536000, immutable\r?$/im);
    expect(read.headers).toMatch(/^vary: authorization\r?$/im);

    const post = [
      '-X',
      'POST',
      '-H',
      'content-type: application/octet-stream',
      '--data-binary',
      'raw upload',
      `${server.url}/v1/repos/app-1/blobs`,
    ];
    expect((await curl(...post)).status).toBe(401);
    const denied = await curl(...bearer(tokens.reader), ...post);
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.body)).toMatchObject({ code: 'permission_denied' });
    const stored = await curl(...bearer(tokens.writer), ...post);
    expect(stored.status).toBe(200);
    expect(JSON.parse(stored.body)).toMatchObject({ size: 10 });
  });

  it('answers unary calls with 401 and 403 and their codes, over HTTP/1.1 and h2c', async () => {
    for (const version of ['--http1.1', '--http2-prior-knowledge']) {
      const call = [
        version,
        '-X',
        'POST',
        '-H',
        'content-type: application/json',
        '--data',
        '{"repo":"app-1"}',
        `${server.url}/v1/GetRepository`,
      ];
      const none = await curl(...call);
      expect(none.status).toBe(401);
      expect(JSON.parse(none.body)).toMatchObject({ code: 'unauthenticated' });
      expect((await curl(...bearer(tokens.other), ...call)).status).toBe(403);
      expect((await curl(...bearer(tokens.reader), ...call)).status).toBe(200);
    }
  });

  it('wants a known token for /metrics, and none for /healthz', async () => {
    expect((await curl(`${server.url}/metrics`)).status).toBe(401);
    expect((await curl(...bearer(tokens.reader), `${server.url}/metrics`)).status).toBe(200);
    expect((await curl(`${server.url}/healthz`)).status).toBe(200);
  });
});
