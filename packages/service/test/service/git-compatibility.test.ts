import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, createInProcessTransport } from '@govc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGovcService, exportStoredRepository } from '../../src/index.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const ada = { name: 'Ada Lovelace', email: 'ada@example.com', time: 1_700_000_000, tzOffset: '+0200' };
const bob = { name: 'Bob', email: 'bob@example.com', time: 1_700_000_100, tzOffset: '-0530' };

let dir: string;
const gitEnv = () => ({ ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir, GIT_TERMINAL_PROMPT: '0' });
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env: gitEnv(), encoding: 'utf8' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'govc-git-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a repository written through the service', () => {
  it('exports to a bare repository that git fsck, git log and git clone accept', async () => {
    const service = createGovcService();
    const client = createClient(createInProcessTransport(service));
    const repo = 'project';
    await client.createRepository({ repo });
    const c1 = await client.commit({
      repo,
      branch: 'main',
      message: 'Initial commit',
      author: ada,
      changes: [
        { path: 'README.md', content: text('# Project\n') },
        { path: 'src/lib/util.ts', content: text('export const x = 1;\n') },
        { path: 'bin/run', content: text('#!/bin/sh\necho hi\n'), mode: '100755' },
        { path: 'link', content: text('README.md'), mode: '120000' },
      ],
    });
    await client.updateRef({ repo, name: 'refs/heads/topic', newHash: c1.hash, expectedOldHash: '' });
    const t1 = await client.commit({
      repo,
      branch: 'topic',
      message: 'Topic work\n\nWith a body.',
      author: bob,
      changes: [{ path: 'topic.txt', content: text('t\n') }],
    });
    const c2 = await client.commit({
      repo,
      branch: 'main',
      message: 'Remove util, add docs',
      author: ada,
      committer: bob,
      changes: [
        { path: 'src/lib/util.ts', delete: true },
        { path: 'docs/guide.md', content: text('guide\n') },
      ],
    });
    const merge = await client.commit({
      repo,
      branch: 'main',
      message: 'Merge topic',
      author: ada,
      parents: [c2.hash, t1.hash],
      changes: [{ path: 'topic.txt', content: text('t\n') }],
    });
    await client.updateRef({ repo, name: 'refs/tags/v1.0', newHash: merge.hash, expectedOldHash: '' });

    const bare = join(dir, 'project.git');
    await exportStoredRepository(service.store, repo, bare);
    git(bare, 'fsck', '--strict', '--no-dangling');
    expect(git(bare, 'log', '--first-parent', '--format=%H', 'main').trim().split('\n')).toEqual([merge.hash, c2.hash, c1.hash]);
    expect(git(bare, 'log', '--format=%H', 'main').trim().split('\n').sort()).toEqual([merge.hash, t1.hash, c2.hash, c1.hash].sort());
    expect(git(bare, 'log', '-1', '--format=%an|%ae|%at|%ai|%cn|%s', c2.hash).trim()).toBe(
      'Ada Lovelace|ada@example.com|1700000000|2023-11-15 00:13:20 +0200|Bob|Remove util, add docs',
    );
    expect(git(bare, 'rev-parse', 'v1.0').trim()).toBe(merge.hash);
    expect(git(bare, 'cat-file', '-p', `${t1.hash}`)).toContain('Topic work\n\nWith a body.\n');

    const work = join(dir, 'clone');
    git(dir, 'clone', '-q', bare, work);
    expect(await readFile(join(work, 'README.md'), 'utf8')).toBe('# Project\n');
    expect(await readFile(join(work, 'docs/guide.md'), 'utf8')).toBe('guide\n');
    expect(await readFile(join(work, 'topic.txt'), 'utf8')).toBe('t\n');
    expect(
      git(work, 'ls-files', '-s')
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[0] + ' ' + l.split('\t')[1]),
    ).toEqual(['100644 README.md', '100755 bin/run', '100644 docs/guide.md', '120000 link', '100644 topic.txt']);
    expect(git(work, 'status', '--porcelain')).toBe('');
    await service.close();
  });

  it('hashes a commit exactly as git commit-tree does for the same tree, people, dates and message', async () => {
    const service = createGovcService();
    const client = createClient(createInProcessTransport(service));
    await client.createRepository({ repo: 'r' });
    const made = await client.commit({
      repo: 'r',
      branch: 'main',
      message: 'hello\nworld',
      author: ada,
      committer: bob,
      changes: [{ path: 'a/b.txt', content: text('x') }],
    });

    const work = join(dir, 'commit-tree');
    git(dir, 'init', '-q', work);
    execFileSync('mkdir', ['-p', join(work, 'a')]);
    execFileSync('sh', ['-c', `printf x > ${join(work, 'a/b.txt')}`]);
    git(work, 'add', 'a/b.txt');
    const tree = git(work, 'write-tree').trim();
    const commit = execFileSync('git', ['commit-tree', tree, '-m', 'hello\nworld'], {
      cwd: work,
      encoding: 'utf8',
      env: {
        ...gitEnv(),
        GIT_AUTHOR_NAME: ada.name,
        GIT_AUTHOR_EMAIL: ada.email,
        GIT_AUTHOR_DATE: `${ada.time} ${ada.tzOffset}`,
        GIT_COMMITTER_NAME: bob.name,
        GIT_COMMITTER_EMAIL: bob.email,
        GIT_COMMITTER_DATE: `${bob.time} ${bob.tzOffset}`,
      },
    }).trim();
    expect(made.tree).toBe(tree);
    expect(made.hash).toBe(commit);
    await service.close();
  });
});
