import { expect } from 'vitest';
import type { ConformanceCase } from '../conformance-case.js';
import { ada, expectCode, text } from './expect-code.js';

// Made by real git for the same content (`git hash-object`, `git write-tree`, `git commit-tree`).
const helloBlob = 'ce013625030ba8dba906f756967f9e9ca394464a';
const helloTree = '2e81171448eb9f2ee3821e3d447aa6b2fe3ddba1';
const helloCommit = '5dbbc4b043bbe4ba8af0b6d21e0695f6cf27b951';

/** Every unary method, round trip, with results that must be byte-identical on every transport. */
export const unaryCases: readonly ConformanceCase[] = [
  {
    id: 'unary/health',
    title: 'Health answers',
    async run(kit) {
      const health = await kit.client.health({});
      expect(health.status).toBe('SERVING');
      expect(health.version).toMatch(/^\d+\.\d+\.\d+/);
    },
  },
  {
    id: 'unary/repository-lifecycle',
    title: 'creates, gets, lists and deletes repositories',
    async run(kit) {
      const repo = kit.uniqueRepo('repo');
      const created = await kit.client.createRepository({ repo });
      expect(created).toMatchObject({ repo, defaultBranch: 'main' });
      expect(created.createdAt).toBeGreaterThan(0);
      await expectCode(kit.client.createRepository({ repo }), 'already_exists');
      expect(await kit.client.getRepository({ repo })).toMatchObject({ repo, defaultBranch: 'main' });
      const { repos } = await kit.client.listRepositories({});
      expect(repos.map((r) => r.repo)).toContain(repo);
      await kit.client.deleteRepository({ repo });
      await expectCode(kit.client.getRepository({ repo }), 'not_found');
      await expectCode(kit.client.deleteRepository({ repo }), 'not_found');
    },
  },
  {
    id: 'unary/blobs',
    title: 'stores and reads blobs with git hashes, all byte values intact',
    async run(kit) {
      const repo = await kit.newRepo('blobs');
      expect(await kit.client.storeBlob({ repo, content: text('hello\n') })).toEqual({ hash: helloBlob, size: 6 });
      const all = new Uint8Array(256).map((_, i) => i);
      const stored = await kit.client.storeBlob({ repo, content: all });
      const blob = await kit.client.getBlob({ repo, hash: stored.hash });
      expect(blob.size).toBe(256);
      expect(new Uint8Array(blob.content)).toEqual(all);
      const empty = await kit.client.storeBlob({ repo, content: new Uint8Array(0) });
      expect(empty.hash).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
      expect((await kit.client.getBlob({ repo, hash: empty.hash })).content.byteLength).toBe(0);
      const { present } = await kit.client.hasObjects({ repo, hashes: [helloBlob, '0'.repeat(40), stored.hash] });
      expect(present).toEqual([true, false, true]);
      await expectCode(kit.client.getBlob({ repo, hash: 'f'.repeat(40) }), 'not_found');
    },
  },
  {
    id: 'unary/commit-and-read',
    title: 'commits with the hash git makes, then reads history, files, trees and refs',
    async run(kit) {
      const repo = await kit.newRepo('commit');
      const first = await kit.client.commit({
        repo,
        branch: 'main',
        message: 'first',
        author: ada,
        changes: [{ path: 'a.txt', content: text('hello\n') }],
      });
      expect(first).toEqual({ hash: helloCommit, tree: helloTree, parents: [] });
      const second = await kit.client.commit({
        repo,
        branch: 'refs/heads/main',
        message: 'second\n\nwith a body',
        author: ada,
        changes: [
          { path: 'src/lib/x.ts', content: text('export {};\n') },
          { path: 'bin/run', content: text('#!/bin/sh\n'), mode: '100755' },
          { path: 'a.txt', hash: helloBlob },
        ],
      });
      expect(second.parents).toEqual([helloCommit]);
      const info = await kit.client.getCommit({ repo, hash: second.hash });
      expect(info).toMatchObject({ hash: second.hash, tree: second.tree, parents: [helloCommit], message: 'second\n\nwith a body\n' });
      expect(info.author).toEqual(ada);
      expect(info.committer).toEqual(ada);

      const file = await kit.client.readFile({ repo, ref: 'main', path: 'src/lib/x.ts' });
      expect(new TextDecoder().decode(file.content)).toBe('export {};\n');
      expect(file).toMatchObject({ path: 'src/lib/x.ts', mode: '100644', size: 11 });
      expect((await kit.client.readFile({ repo, ref: helloCommit, path: 'a.txt' })).hash).toBe(helloBlob);
      await expectCode(kit.client.readFile({ repo, ref: helloCommit, path: 'src/lib/x.ts' }), 'not_found');

      const top = await kit.client.listTree({ repo, ref: 'main', path: '' });
      expect(top.entries.map((e) => [e.path, e.type, e.mode])).toEqual([
        ['a.txt', 'blob', '100644'],
        ['bin', 'tree', '40000'],
        ['src', 'tree', '40000'],
      ]);
      const deep = await kit.client.listTree({ repo, ref: 'main', path: 'src', recursive: true });
      expect(deep.entries.map((e) => e.path)).toEqual(['src/lib', 'src/lib/x.ts']);
      expect(deep.entries[1]?.size).toBe(11);

      const removed = await kit.client.commit({
        repo,
        branch: 'main',
        message: 'rm',
        author: ada,
        changes: [{ path: 'src/lib/x.ts', delete: true }],
      });
      const afterRemove = await kit.client.listTree({ repo, ref: removed.hash });
      expect(afterRemove.entries.map((e) => e.path)).toEqual(['a.txt', 'bin']);

      const { refs } = await kit.client.listRefs({ repo });
      expect(refs).toEqual([{ name: 'refs/heads/main', hash: removed.hash }]);
      expect((await kit.client.getRepository({ repo })).head).toBe(removed.hash);
    },
  },
  {
    id: 'unary/history-pages',
    title: 'pages through history newest first',
    async run(kit) {
      const repo = await kit.newRepo('log');
      const hashes: string[] = [];
      for (let i = 0; i < 5; i++) {
        const c = await kit.client.commit({
          repo,
          branch: 'main',
          message: `c${i}`,
          author: ada,
          changes: [{ path: 'n', content: text(String(i)) }],
        });
        hashes.unshift(c.hash);
      }
      const page1 = await kit.client.listCommits({ repo, ref: 'main', limit: 2 });
      expect(page1.commits.map((c) => c.hash)).toEqual(hashes.slice(0, 2));
      const page2 = await kit.client.listCommits({ repo, ref: 'main', limit: 2, pageToken: page1.nextPageToken! });
      expect(page2.commits.map((c) => c.hash)).toEqual(hashes.slice(2, 4));
      const page3 = await kit.client.listCommits({ repo, ref: 'main', limit: 2, pageToken: page2.nextPageToken! });
      expect(page3.commits.map((c) => c.hash)).toEqual(hashes.slice(4));
      expect(page3.nextPageToken).toBeUndefined();
    },
  },
  {
    id: 'unary/refs-and-merges',
    title: 'moves refs by compare-and-swap and makes merges',
    async run(kit) {
      const repo = await kit.newRepo('refs');
      const base = await kit.client.commit({
        repo,
        branch: 'main',
        message: 'base',
        author: ada,
        changes: [{ path: 'f', content: text('0') }],
      });
      await kit.client.updateRef({ repo, name: 'refs/heads/topic', newHash: base.hash, expectedOldHash: '' });
      await expectCode(kit.client.updateRef({ repo, name: 'refs/heads/topic', newHash: base.hash, expectedOldHash: '' }), 'aborted');
      const topic = await kit.client.commit({
        repo,
        branch: 'topic',
        message: 't',
        author: ada,
        changes: [{ path: 't', content: text('t') }],
      });
      const main = await kit.client.commit({
        repo,
        branch: 'main',
        message: 'm',
        author: ada,
        changes: [{ path: 'm', content: text('m') }],
      });
      const merge = await kit.client.commit({
        repo,
        branch: 'main',
        message: 'merge',
        author: ada,
        parents: [main.hash, topic.hash],
        expectedHead: main.hash,
        changes: [{ path: 't', content: text('t') }],
      });
      expect(merge.parents).toEqual([main.hash, topic.hash]);
      await expectCode(
        kit.client.commit({ repo, branch: 'main', message: 'stale', author: ada, expectedHead: main.hash, changes: [] }),
        'aborted',
      );
      await kit.client.updateRef({ repo, name: 'refs/tags/v1', newHash: merge.hash, expectedOldHash: '' });
      expect((await kit.client.readFile({ repo, ref: 'v1', path: 'm' })).size).toBe(1);
      expect((await kit.client.listRefs({ repo, prefix: 'refs/tags/' })).refs).toEqual([{ name: 'refs/tags/v1', hash: merge.hash }]);
      await kit.client.updateRef({ repo, name: 'refs/heads/topic', newHash: '', expectedOldHash: topic.hash });
      expect((await kit.client.listRefs({ repo, prefix: 'refs/heads/' })).refs.map((r) => r.name)).toEqual(['refs/heads/main']);
    },
  },
];
