import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonEnvelope, streamOutcome } from '../fixtures/hostile-envelopes.js';
import { expectedReadBack, readBack, startHostileTarget, type HostileTarget } from '../fixtures/hostile-target.js';
import { errorOf, wireFactories, type Wire, type WireReply } from '../fixtures/hostile-wire.js';

// Hostile names over HTTP/1.1 and HTTP/2: repository names, ref names, file paths, method names
// and hashes that try to traverse, collide or confuse. SPEC: anything outside the rules is
// `invalid_argument`, and no stored byte changes. A well-behaved client is served throughout.

const json = { 'content-type': 'application/json' };
const invalid = { status: 400, code: 'invalid_argument' };

const badRepoNames = [
  '../x',
  '',
  'a'.repeat(200),
  'a'.repeat(101),
  'r\0',
  'ré',
  '日本',
  '.git',
  '.',
  '..',
  '-r',
  'r/x',
  'r\\x',
  ' r',
  'r\n',
];
const badRefNames = [
  'refs/heads/../../config',
  'refs/heads/a..b',
  'HEAD',
  'refs/heads/x.lock',
  'refs/heads/x.lock/y',
  'refs/heads/HEAD',
  'refs/heads/',
  'refs/heads//x',
  'refs/heads/x/',
  'refs/heads/x.',
  'refs/heads/-x',
  'refs/heads/.hidden',
  'refs/heads/a b',
  'refs/heads/a\0b',
  'refs/heads/a~1',
  'refs/heads/a^',
  'refs/heads/a:b',
  'refs/heads/@{1}',
  'refs/heads/a\\b',
  `refs/heads/${'a'.repeat(300)}`,
  'refs/remotes/origin/main',
  'config',
  '../../config',
];
const badBranches = ['../../config', 'a..b', 'HEAD', 'x.lock', 'refs/tags/v1', 'refs/heads/../x', '', '.git', 'a//b'];
const badPaths = [
  '../x',
  '.git/config',
  'a//b',
  '/x',
  'a\0b',
  'a/../b',
  './a',
  'a/.',
  'a/',
  '',
  '.GIT/config',
  'src/.git/hooks/post-checkout',
  'git~1/config',
  'a\\..\\b',
];

describe.each(wireFactories)('hostile names over %s', (_name, makeWire) => {
  let t: HostileTarget;
  let hostile: Wire;
  let good: Wire;
  let hash: string;
  beforeAll(async () => {
    t = await startHostileTarget();
    hostile = makeWire(t.url);
    good = makeWire(t.url);
    hash = t.seeded.looseBlob.hash;
  });
  afterAll(async () => {
    await hostile?.[Symbol.asyncDispose]();
    await good?.[Symbol.asyncDispose]();
    await t?.[Symbol.asyncDispose]();
  });

  const call = (method: string, request: object) => hostile.send(`/v1/${method}`, { headers: json, body: JSON.stringify(request) });

  /** Runs `attempts` alongside a well-behaved client, then checks both clients and the store. */
  async function expectAllRefused(attempts: () => Promise<Array<[string, WireReply, { status: number; code: string }]>>): Promise<void> {
    const [replies, meanwhile] = await Promise.all([attempts(), readBack(good, t.seeded)]);
    for (const [what, reply, expected] of replies)
      expect(errorOf(reply), `${what}: ${reply.body.toString().slice(0, 200)}`).toEqual(expected);
    expect(meanwhile).toEqual(expectedReadBack(t.seeded));
    expect(await readBack(hostile, t.seeded)).toEqual(expectedReadBack(t.seeded));
    expect(await t.snapshot()).toEqual(t.initial);
  }

  it.each(badRepoNames.map((name) => [JSON.stringify(name), name]))(
    'refuses the repository name %s on every route',
    async (_shown, name) => {
      await expectAllRefused(async () => {
        const replies: Array<[string, WireReply, typeof invalid]> = [];
        for (const [method, request] of [
          ['CreateRepository', { repo: name }],
          ['GetRepository', { repo: name }],
          ['DeleteRepository', { repo: name }],
          ['ListRefs', { repo: name }],
          ['StoreBlob', { repo: name, content: 'eA==' }],
          ['GetBlob', { repo: name, hash }],
        ] as const) {
          replies.push([method, await call(method, request), invalid]);
        }
        // The raw routes decode the segment first: `..%2Fx` is the name `../x`, refused as such.
        if (name !== '') {
          const segment = encodeURIComponent(name).replaceAll('.', '%2E');
          replies.push([
            'raw upload',
            await hostile.send(`/v1/repos/${segment}/blobs`, { headers: { 'content-type': 'application/octet-stream' }, body: 'x' }),
            invalid,
          ]);
          replies.push(['raw download', await hostile.send(`/v1/repos/${segment}/blobs/${hash}`, { method: 'GET' }), invalid]);
        }
        return replies;
      });
    },
  );

  it('refuses dot segments and malformed percent-encoding in a raw route', async () => {
    await expectAllRefused(async () => [
      ['literal ..', await hostile.send(`/v1/repos/../blobs/${hash}`, { method: 'GET' }), invalid],
      [
        'literal .',
        await hostile.send('/v1/repos/./blobs', { headers: { 'content-type': 'application/octet-stream' }, body: 'x' }),
        invalid,
      ],
      [
        'upload',
        await hostile.send('/v1/repos/%E0%A4%A/blobs', { headers: { 'content-type': 'application/octet-stream' }, body: 'x' }),
        invalid,
      ],
      ['download', await hostile.send(`/v1/repos/r%/blobs/${hash}`, { method: 'GET' }), invalid],
    ]);
  });

  it.each(badRefNames.map((name) => [JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name), name]))(
    'refuses the ref name %s in UpdateRef, creating and deleting',
    async (_shown, name) => {
      await expectAllRefused(async () => [
        ['create', await call('UpdateRef', { repo: 'r', name, newHash: t.seeded.commit, expectedOldHash: '' }), invalid],
        ['move', await call('UpdateRef', { repo: 'r', name, newHash: t.seeded.commit, expectedOldHash: t.seeded.commit }), invalid],
        ['delete', await call('UpdateRef', { repo: 'r', name, newHash: '', expectedOldHash: t.seeded.commit }), invalid],
      ]);
    },
  );

  it('refuses a traversing name that would delete main, and main stays', async () => {
    await expectAllRefused(async () => [
      [
        'delete via ..',
        await call('UpdateRef', { repo: 'r', name: 'refs/heads/../heads/main', newHash: '', expectedOldHash: t.seeded.commit }),
        invalid,
      ],
      ['delete HEAD', await call('UpdateRef', { repo: 'r', name: 'HEAD', newHash: '', expectedOldHash: t.seeded.commit }), invalid],
    ]);
  });

  it.each(badBranches.map((name) => [JSON.stringify(name), name]))('refuses the branch %s in Commit', async (_shown, branch) => {
    const author = { name: 'Mallory', email: 'm@example.com', time: 1_700_000_000 };
    await expectAllRefused(async () => [
      [
        'commit',
        await call('Commit', { repo: 'r', branch, message: 'hostile', author, changes: [{ path: 'x.txt', content: 'eA==' }] }),
        invalid,
      ],
    ]);
  });

  it.each(badPaths.map((path) => [JSON.stringify(path), path]))(
    'refuses the path %s in Commit changes, as content, hash or delete',
    async (_shown, path) => {
      const author = { name: 'Mallory', email: 'm@example.com', time: 1_700_000_000 };
      const commit = (change: object) =>
        call('Commit', {
          repo: 'r',
          branch: 'main',
          message: 'hostile',
          author,
          changes: [
            { path: 'ok.txt', content: 'eA==' },
            { path, ...change },
          ],
        });
      await expectAllRefused(async () => [
        ['content', await commit({ content: 'eA==' }), invalid],
        ['hash', await commit({ hash }), invalid],
        ['delete', await commit({ delete: true }), invalid],
      ]);
    },
  );

  it('refuses or misses bad paths and refs in reads, never reading outside the repository', async () => {
    // A read of a bad name may be refused (400) or simply not found (404): both are safe.
    const refusedOrMissing = (reply: WireReply) => {
      const { status, code } = errorOf(reply);
      return (status === 400 && code === 'invalid_argument') || (status === 404 && code === 'not_found');
    };
    const replies: WireReply[] = [];
    for (const path of badPaths) {
      replies.push(await call('ReadFile', { repo: 'r', ref: 'main', path }));
      if (path !== '') replies.push(await call('ListTree', { repo: 'r', ref: 'main', path }));
    }
    for (const ref of ['../../config', 'refs/heads/../../config', '../r/refs/heads/main', 'HEAD/../main', 'main\0', '']) {
      replies.push(await call('ListCommits', { repo: 'r', ref }));
      replies.push(await call('ReadFile', { repo: 'r', ref, path: 'README.md' }));
    }
    for (const reply of replies) expect(refusedOrMissing(reply), reply.body.toString()).toBe(true);
    expect(await readBack(hostile, t.seeded)).toEqual(expectedReadBack(t.seeded));
    expect(await t.snapshot()).toEqual(t.initial);
  });

  it('answers unknown methods and routes with unimplemented, wrong verbs with 405', async () => {
    const unimplemented = { status: 501, code: 'unimplemented' };
    await expectAllRefused(async () => {
      const replies: Array<[string, WireReply, { status: number; code: string }]> = [];
      for (const method of [
        'NoSuchMethod',
        '',
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        'getblob',
        'GetBlob/extra',
        'x'.repeat(5_000),
      ]) {
        replies.push([method.slice(0, 20), await call(method, { repo: 'r', hash }), unimplemented]);
      }
      replies.push(['/nowhere', await hostile.send('/nowhere', { headers: json, body: '{}' }), { status: 404, code: 'unimplemented' }]);
      replies.push(['GET a method', await hostile.send('/v1/GetBlob', { method: 'GET' }), { status: 405, code: 'unimplemented' }]);
      replies.push([
        'DELETE a blob',
        await hostile.send(`/v1/repos/r/blobs/${hash}`, { method: 'DELETE' }),
        { status: 405, code: 'unimplemented' },
      ]);
      replies.push([
        'GET the upload route',
        await hostile.send('/v1/repos/r/blobs', { method: 'GET' }),
        { status: 405, code: 'unimplemented' },
      ]);
      return replies;
    });
    const wrongVerb = await hostile.send('/v1/GetBlob', { method: 'PUT', headers: json, body: '{}' });
    expect(wrongVerb.headers['allow']).toBe('POST');
  });

  it('refuses invalid hashes in every field and route that takes one', async () => {
    const bad = [
      hash.slice(0, 7),
      hash.toUpperCase(),
      'g'.repeat(40),
      `${hash}0`,
      '',
      ` ${hash.slice(1)}`,
      `${hash.slice(0, 39)}\0`,
      '../../../../etc/passwd',
    ];
    const author = { name: 'Mallory', email: 'm@example.com', time: 1_700_000_000 };
    await expectAllRefused(async () => {
      const replies: Array<[string, WireReply, typeof invalid]> = [];
      for (const value of bad) {
        const shown = JSON.stringify(value.slice(0, 12));
        replies.push([`GetBlob ${shown}`, await call('GetBlob', { repo: 'r', hash: value }), invalid]);
        replies.push([`GetCommit ${shown}`, await call('GetCommit', { repo: 'r', hash: value }), invalid]);
        replies.push([`HasObjects ${shown}`, await call('HasObjects', { repo: 'r', hashes: [hash, value] }), invalid]);
        if (value !== '') {
          replies.push([
            `UpdateRef newHash ${shown}`,
            await call('UpdateRef', { repo: 'r', name: 'refs/heads/dev', newHash: value, expectedOldHash: t.seeded.commit }),
            invalid,
          ]);
          replies.push([
            `UpdateRef expectedOldHash ${shown}`,
            await call('UpdateRef', { repo: 'r', name: 'refs/heads/dev', newHash: t.seeded.commit, expectedOldHash: value }),
            invalid,
          ]);
          replies.push([
            `Commit expectedHead ${shown}`,
            await call('Commit', { repo: 'r', branch: 'main', message: 'm', author, changes: [], expectedHead: value }),
            invalid,
          ]);
          replies.push([
            `raw GET ${shown}`,
            await hostile.send(`/v1/repos/r/blobs/${encodeURIComponent(value)}`, { method: 'GET' }),
            invalid,
          ]);
        }
        replies.push([
          `Commit parents ${shown}`,
          await call('Commit', { repo: 'r', branch: 'main', message: 'm', author, changes: [], parents: [value] }),
          invalid,
        ]);
        replies.push([
          `Commit change hash ${shown}`,
          await call('Commit', { repo: 'r', branch: 'main', message: 'm', author, changes: [{ path: 'x', hash: value }] }),
          invalid,
        ]);
        // An empty pageToken reads as none (proto3's default), so only non-empty ones are checked.
        if (value !== '')
          replies.push([
            `ListCommits pageToken ${shown}`,
            await call('ListCommits', { repo: 'r', ref: 'main', pageToken: value }),
            invalid,
          ]);
      }
      return replies;
    });
  });

  it('refuses invalid hashes on HEAD of the raw route (status only) and in DownloadBlob', async () => {
    for (const value of [hash.toUpperCase(), hash.slice(0, 10), 'z'.repeat(40)]) {
      const head = await hostile.send(`/v1/repos/r/blobs/${value}`, { method: 'HEAD' });
      expect(head.status).toBe(400);
      const download = await hostile.send('/v1/DownloadBlob', {
        headers: { 'content-type': 'application/govc-stream+json' },
        chunks: [jsonEnvelope({ repo: 'r', hash: value })],
      });
      const { status, code } = streamOutcome(download);
      expect({ status, code }).toEqual(invalid);
    }
    expect((await hostile.send(`/v1/repos/r/blobs/${hash}`, { method: 'HEAD' })).status).toBe(200);
    expect(await t.snapshot()).toEqual(t.initial);
  });
});
