/**
 * A data directory that stock git repacked while govc was stopped (`git gc`, `git repack -adf`):
 * deltas against bases by offset (OFS_DELTA) or by name (REF_DELTA), a `.bitmap`, and an index
 * with 64-bit offsets. govc must read every object as git does, write on top, and merge that pack
 * with its own, leaving a repository `git fsck --strict` accepts.
 */
import { readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient, createInProcessTransport } from '@govc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGovcService } from '../../../src/index.js';
import { createDiskStore, type DiskStoreOptions } from '../../../src/store/disk/create-disk-store.js';
import type { Storage } from '../../../src/store/storage.js';
import { createGitSandbox, type GitSandbox } from '../../objects/git-sandbox.js';
import { useDiskFixture } from './disk-fixture.js';

let sandbox: GitSandbox;
beforeAll(() => {
  sandbox = createGitSandbox();
});
afterAll(() => sandbox.remove());
const { dataDir } = useDiskFixture('govc-repacked-');

const ada = { name: 'Ada', email: 'ada@example.com', time: 1_700_000_000, tzOffset: '+0000' };
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** A 200-line file of which commit `n` changes one line: git deltifies its versions against each other. */
function version(n: number): Uint8Array {
  return text(
    Array.from(
      { length: 200 },
      (_, line) => `line ${line} of a file that changes a little${line === n * 7 ? ` in version ${n}` : ''}\n`,
    ).join(''),
  );
}

/** Writes eight commits through the service on a disk store at `dir`; returns their hashes, newest last. */
async function writeHistory(dir: string): Promise<string[]> {
  const service = createGovcService({ store: await createDiskStore({ dataDir: dir }) });
  const client = createClient(createInProcessTransport(service));
  await client.createRepository({ repo: 'r' });
  const commits: string[] = [];
  for (let n = 0; n < 8; n++) {
    const changes = [
      { path: 'big.txt', content: version(n) },
      { path: `notes/${n}.md`, content: text(`note ${n}\n`) },
    ];
    commits.push((await client.commit({ repo: 'r', branch: 'main', message: `version ${n}`, author: ada, changes })).hash);
  }
  await service.close();
  return commits;
}

interface GitObject {
  readonly hash: string;
  readonly type: string;
  readonly size: number;
}

function gitObjects(gitDir: string): GitObject[] {
  return sandbox
    .git(['--git-dir', gitDir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype) %(objectsize)'])
    .split('\n')
    .map((line) => {
      const [hash, type, size] = line.split(' ');
      return { hash: hash!, type: type!, size: Number(size) };
    });
}

/** Every object git lists reads back through the store with git's type, size and bytes. */
async function expectSameObjects(store: Storage, gitDir: string, objects: readonly GitObject[]): Promise<void> {
  for (const { hash, type, size } of objects) {
    expect(await store.getObjectInfo('r', hash), hash).toEqual({ type, size });
    const stored = await store.getObject('r', hash);
    const bytes = sandbox.gitBytes(['--git-dir', gitDir, 'cat-file', type, hash]);
    expect(Buffer.from(stored!.body).equals(bytes), `${type} ${hash}`).toBe(true);
  }
}

async function packFiles(gitDir: string): Promise<string[]> {
  return (await readdir(join(gitDir, 'objects', 'pack'))).sort();
}

describe.each([
  { deltas: 'OFS_DELTA', useOffsets: 'true', largeOffsets: true },
  { deltas: 'REF_DELTA', useOffsets: 'false', largeOffsets: false },
])('a data directory git repacked with $deltas', ({ useOffsets, largeOffsets }) => {
  it('reads back every object as git does, takes new commits on top, and merges git’s pack with its own', async () => {
    const dir = await dataDir();
    const commits = await writeHistory(dir);
    const gitDir = join(dir, 'repos', 'r.git');
    sandbox.git([
      '--git-dir',
      gitDir,
      '-c',
      `repack.useDeltaBaseOffset=${useOffsets}`,
      '-c',
      'repack.writeBitmaps=true',
      'repack',
      '-adf',
      '--depth=10',
      '--window=50',
      '-q',
    ]);
    const [index, pack] = (await packFiles(gitDir)).filter((name) => /\.(idx|pack)$/.test(name));
    const verified = sandbox.git(['--git-dir', gitDir, 'verify-pack', '-v', join(gitDir, 'objects', 'pack', index!)]);
    expect(verified).toMatch(/chain length = \d+: \d+ objects?/);
    expect(await packFiles(gitDir)).toContainEqual(expect.stringMatching(/\.bitmap$/));
    if (largeOffsets) {
      // Re-indexed so that every object past byte 0x40 has a 64-bit offset, as in a pack over 2 GiB.
      const packPath = join(gitDir, 'objects', 'pack', pack!);
      sandbox.git(['index-pack', '--index-version=2,0x40', '-o', `${packPath}.idx-large`, packPath]);
      await rename(`${packPath}.idx-large`, join(gitDir, 'objects', 'pack', index!));
      sandbox.git(['--git-dir', gitDir, 'verify-pack', join(gitDir, 'objects', 'pack', index!)]);
    }
    const objects = gitObjects(gitDir);

    const options: Omit<DiskStoreOptions, 'dataDir'> = {
      // Each group packed at once and merged at once: git's pack is one of the first two.
      objectLog: { sealBytes: 1 },
      consolidation: { checkEvery: 1, minPacks: 2, quietMs: 0 },
    };
    const store = await createDiskStore({ dataDir: dir, ...options });
    await expectSameObjects(store, gitDir, objects);
    const service = createGovcService({ store });
    const client = createClient(createInProcessTransport(service));
    const log = await client.listCommits({ repo: 'r', ref: 'main' });
    expect(log.commits.map((commit) => commit.hash)).toEqual([...commits].reverse());
    expect((await client.readFile({ repo: 'r', ref: 'main', path: 'big.txt' })).content).toEqual(version(7));
    const next = await client.commit({
      repo: 'r',
      branch: 'main',
      message: 'on top',
      author: ada,
      changes: [{ path: 'big.txt', content: version(8) }],
      expectedHead: commits.at(-1)!,
    });
    await service.close(); // waits for the merge

    // git's pack (and its bitmap) went into the merge; one pack holds everything.
    expect((await packFiles(gitDir)).filter((name) => name.startsWith(pack!.replace(/\.pack$/, '')))).toEqual([]);
    expect((await packFiles(gitDir)).filter((name) => name.endsWith('.pack'))).toHaveLength(1);
    const fsck = sandbox.run(['--git-dir', gitDir, 'fsck', '--strict', '--no-dangling']);
    expect(fsck.status, fsck.stderr).toBe(0);
    expect(sandbox.git(['--git-dir', gitDir, 'log', '--format=%H', 'main']).split('\n')).toEqual([next.hash, ...[...commits].reverse()]);
    const reopened = await createDiskStore({ dataDir: dir });
    try {
      await expectSameObjects(reopened, gitDir, gitObjects(gitDir));
    } finally {
      await reopened.close();
    }
  });
});
