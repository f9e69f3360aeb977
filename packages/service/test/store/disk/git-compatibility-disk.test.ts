import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, createInProcessTransport } from '@govc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiskStore, createGovcService } from '../../../src/index.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const ada = { name: 'Ada Lovelace', email: 'ada@example.com', time: 1_700_000_000, tzOffset: '+0200' };
const bob = { name: 'Bob', email: 'bob@example.com', time: 1_700_000_100, tzOffset: '-0530' };

let dir: string;
const gitEnv = () => ({ ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir, GIT_TERMINAL_PROMPT: '0' });
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env: gitEnv(), encoding: 'utf8' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'govc-disk-git-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a repository written through the service on the disk store', () => {
  it('is, as it lies on disk, a bare repository that git fsck, git log and git clone accept', async () => {
    const dataDir = join(dir, 'data');
    const service = createGovcService({ store: await createDiskStore({ dataDir }) });
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

    // Read while the store is open, as an operator would, and again after it closed.
    const bare = join(dataDir, 'repos', 'project.git');
    // The first commit's objects came as one group, so they are a pack; later ones partly loose.
    const indexes = (await readdir(join(bare, 'objects', 'pack'))).filter((f) => f.endsWith('.idx'));
    expect(indexes.length).toBeGreaterThan(0);
    for (const index of indexes) git(bare, 'verify-pack', join('objects', 'pack', index));
    git(bare, 'fsck', '--strict', '--no-dangling');
    expect(git(bare, 'log', '--first-parent', '--format=%H', 'main').trim().split('\n')).toEqual([merge.hash, c2.hash, c1.hash]);
    await service.close();
    git(bare, 'fsck', '--strict', '--no-dangling');
    expect(git(bare, 'log', '--format=%H').trim().split('\n').sort()).toEqual([merge.hash, t1.hash, c2.hash, c1.hash].sort());
    expect(git(bare, 'rev-parse', 'v1.0').trim()).toBe(merge.hash);
    expect(git(bare, 'cat-file', '-p', t1.hash)).toContain('Topic work\n\nWith a body.\n');

    const work = join(dir, 'clone');
    git(dir, 'clone', '-q', bare, work);
    expect(await readFile(join(work, 'README.md'), 'utf8')).toBe('# Project\n');
    expect(await readFile(join(work, 'docs/guide.md'), 'utf8')).toBe('guide\n');
    expect(await readFile(join(work, 'topic.txt'), 'utf8')).toBe('t\n');
    expect(await readlink(join(work, 'link'))).toBe('README.md');
    expect((await stat(join(work, 'bin/run'))).mode & 0o111).not.toBe(0);
    expect(git(work, 'status', '--porcelain')).toBe('');
    expect(
      git(work, 'branch', '-r')
        .trim()
        .split('\n')
        .map((l) => l.trim()),
    ).toEqual(['origin/HEAD -> origin/main', 'origin/main', 'origin/topic']);
  });
});
