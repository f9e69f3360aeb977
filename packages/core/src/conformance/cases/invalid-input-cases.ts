import { expect } from 'vitest';
import { findMethod, type AnyMethod } from '../../schema/methods.js';
import { Empty } from '../../schema/messages.js';
import type { ConformanceCase } from '../conformance-case.js';
import { ada, expectCode, text } from './expect-code.js';

const badRepoNames = ['../x', '', 'a'.repeat(200), 'a\u0000b', 'ünïcode', '.hidden', '-dash', 'a/b', 'a b'];

/** Bad input gets `invalid_argument` (or `unimplemented`) and changes nothing. */
export const invalidInputCases: readonly ConformanceCase[] = [
  ...badRepoNames.map(
    (name, index) =>
      ({
        id: `invalid/repo-name-${index + 1}`,
        title: `refuses repository name ${JSON.stringify(name).slice(0, 30)}`,
        async run(kit) {
          const before = (await kit.client.listRepositories({})).repos.length;
          await expectCode(kit.client.createRepository({ repo: name }), 'invalid_argument');
          expect((await kit.client.listRepositories({})).repos.length).toBe(before);
        },
      }) satisfies ConformanceCase,
  ),
  {
    id: 'invalid/wrong-types',
    title: 'refuses wrong types and missing fields',
    async run(kit) {
      const repo = await kit.newRepo('types');
      const call = (method: string, request: unknown) => kit.transport.unary(findMethod(method)!, request);
      await expectCode(call('CreateRepository', { repo: 42 }), 'invalid_argument');
      await expectCode(call('GetRepository', {}), 'invalid_argument');
      await expectCode(call('HasObjects', { repo, hashes: 'abc' }), 'invalid_argument');
      await expectCode(call('ListCommits', { repo, ref: 'main', limit: -1 }), 'invalid_argument');
      await expectCode(call('Commit', { repo, branch: 'main', message: 'm', author: { name: 'a' }, changes: [] }), 'invalid_argument');
    },
  },
  {
    id: 'invalid/bad-names',
    title: 'refuses bad refs, paths and hashes, changing nothing',
    async run(kit) {
      const repo = await kit.newRepo('bad-names');
      const base = await kit.client.commit({
        repo,
        branch: 'main',
        message: 'b',
        author: ada,
        changes: [{ path: 'f', content: text('f') }],
      });
      const refsBefore = await kit.client.listRefs({ repo });
      for (const name of ['refs/heads/../../config', 'HEAD', 'refs/heads/a.lock', 'refs/heads/', 'main', 'refs/heads/a..b']) {
        await expectCode(kit.client.updateRef({ repo, name, newHash: base.hash, expectedOldHash: '' }), 'invalid_argument');
      }
      for (const path of ['../x', '.git/config', '/abs', 'a//b', 'a/./b', 'x\u0000y', '']) {
        await expectCode(
          kit.client.commit({ repo, branch: 'main', message: 'x', author: ada, changes: [{ path, content: text('x') }] }),
          'invalid_argument',
        );
      }
      await expectCode(kit.client.commit({ repo, branch: '../evil', message: 'x', author: ada, changes: [] }), 'invalid_argument');
      for (const hash of ['xyz', 'A'.repeat(40), '0'.repeat(39), '0'.repeat(64)]) {
        await expectCode(kit.client.getBlob({ repo, hash }), 'invalid_argument');
      }
      expect(await kit.client.listRefs({ repo })).toEqual(refsBefore);
      expect((await kit.client.listCommits({ repo, ref: 'main' })).commits.map((c) => c.hash)).toEqual([base.hash]);
    },
  },
  {
    id: 'invalid/unknown-method',
    title: 'answers an unknown method with unimplemented',
    async run(kit) {
      const unknown: AnyMethod = {
        service: 'govc.v1.GoVCService',
        name: 'NoSuchMethod',
        localName: 'noSuchMethod',
        kind: 'unary',
        input: Empty,
        output: Empty,
        idempotent: true,
        batchable: false,
      };
      await expectCode(kit.transport.unary(unknown, {}), 'unimplemented');
    },
  },
];
