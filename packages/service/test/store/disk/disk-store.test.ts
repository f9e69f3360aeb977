import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useDiskFixture } from './disk-fixture.js';
import { hashObject } from '../../../src/objects/hash.js';
import { createDiskStore } from '../../../src/store/disk/create-disk-store.js';
import { wholeFrames } from '../../../src/store/disk/log-frames.js';

const record = (name: string) => ({ name, defaultBranch: 'main', createdAt: 1 });
const blob = (text: string) => {
  const body = new TextEncoder().encode(text);
  return { hash: hashObject('blob', body), type: 'blob' as const, body };
};
const a = 'a'.repeat(40);
const b = 'b'.repeat(40);

const { dataDir, open } = useDiskFixture();

async function* chunks(...parts: string[]) {
  for (const part of parts) yield new TextEncoder().encode(part);
}

describe('disk store', () => {
  it('stores objects once, reads them back whole or as info, and lists them', async () => {
    const store = await open(await dataDir());
    await store.createRepository(record('r'));
    const one = blob('one');
    const two = blob('two'.repeat(1000));
    await store.putObjects('r', [one, two, one]);
    await store.putObjects('r', [one]);
    expect(await store.hasObjects('r', [one.hash, blob('nope').hash, two.hash])).toEqual([true, false, true]);
    const stored = await store.getObject('r', two.hash);
    expect(stored).toMatchObject({ type: 'blob', size: 3000 });
    expect(new Uint8Array(stored!.body)).toEqual(two.body);
    expect(await store.getObjectInfo('r', one.hash)).toEqual({ type: 'blob', size: 3 });
    expect(await store.getObject('r', blob('nope').hash)).toBeUndefined();
    const hashes: string[] = [];
    for await (const hash of store.objectHashes('r')) hashes.push(hash);
    expect(hashes.sort()).toEqual([one.hash, two.hash].sort());
  });

  it('logs objects, reads them back at once, and packs the log at close into one pack that a restart reads', async () => {
    const dir = await dataDir();
    // Sealed only at close, however slow this machine is between the steps.
    const first = await createDiskStore({ dataDir: dir, objectLog: { quietMs: 60_000 } });
    await first.createRepository(record('r'));
    const one = blob('one');
    await first.putObjects('r', [one]);
    const group = [one, blob('p1'), blob('p2'.repeat(500)), blob('')];
    await first.putObjects('r', group);
    await first.putObjects('r', group);
    const repoDir = join(dir, 'repos', 'r.git');
    expect(await readdir(join(repoDir, 'govc-log'))).toEqual([expect.stringMatching(/^objects-[0-9a-f]{16}\.log$/)]);
    expect(await readdir(join(repoDir, 'objects', 'pack'))).toEqual([]);
    expect(new TextDecoder().decode((await first.getObject('r', group[2]!.hash))!.body)).toBe('p2'.repeat(500));
    await first.close();
    expect(await readdir(join(repoDir, 'govc-log'))).toEqual([]);
    expect((await readdir(join(repoDir, 'objects', 'pack'))).sort()).toEqual([
      expect.stringMatching(/^pack-[0-9a-f]{40}\.idx$/),
      expect.stringMatching(/^pack-[0-9a-f]{40}\.pack$/),
    ]);
    const store = await open(dir);
    expect(await store.hasObjects('r', [...group.map((o) => o.hash), blob('nope').hash])).toEqual([true, true, true, true, false]);
    const big = await store.getObject('r', group[2]!.hash);
    expect(new TextDecoder().decode(big!.body)).toBe('p2'.repeat(500));
    expect(await store.getObjectInfo('r', group[2]!.hash)).toEqual({ type: 'blob', size: 1000 });
    expect(await store.getObjectInfo('r', group[3]!.hash)).toEqual({ type: 'blob', size: 0 });
    const out: string[] = [];
    for await (const chunk of store.readBlob('r', group[2]!.hash, 996, 3)) out.push(new TextDecoder().decode(chunk));
    expect(out).toEqual(['p2p', '2']);
    const hashes: string[] = [];
    for await (const hash of store.objectHashes('r')) hashes.push(hash);
    expect(hashes.sort()).toEqual(group.map((o) => o.hash).sort());
  });

  it('lets concurrent putObjects calls share one log write (group commit)', async () => {
    const dir = await dataDir();
    const store = await open(dir, { objectLog: { quietMs: 60_000 } });
    await store.createRepository(record('r'));
    const groups = Array.from({ length: 5 }, (_, i) => [blob(`g${i}a`), blob(`g${i}b`)]);
    await Promise.all(groups.map((group) => store.putObjects('r', group)));
    const logDir = join(dir, 'repos', 'r.git', 'govc-log');
    const [file] = await readdir(logDir);
    expect([...wholeFrames(await readFile(join(logDir, file!)))]).toHaveLength(1);
    expect(
      await store.hasObjects(
        'r',
        groups.flat().map((o) => o.hash),
      ),
    ).toEqual(new Array(10).fill(true));
  });

  it('packs the log before a ref step, so that git finds every object the refs name', async () => {
    const dir = await dataDir();
    const store = await open(dir);
    await store.createRepository(record('r'));
    const logged = blob('named by a ref');
    await store.putObjects('r', [logged]);
    await store.updateRefs('r', [{ name: 'refs/tags/t', newHash: logged.hash, expectedOldHash: '' }]);
    const repoDir = join(dir, 'repos', 'r.git');
    expect(await readdir(join(repoDir, 'govc-log'))).toEqual([]);
    const git = spawnSync('git', ['--git-dir', repoDir, 'cat-file', '-p', 'refs/tags/t'], { encoding: 'utf8' });
    expect(git.stdout).toBe('named by a ref');
  });

  it('streams a blob in, checking a declared size, and out from an offset', async () => {
    const store = await open(await dataDir());
    await store.createRepository(record('r'));
    const written = await store.writeBlob('r', chunks('hello ', 'world'), 11);
    expect(written).toEqual({ hash: blob('hello world').hash, size: 11 });
    await expect(store.writeBlob('r', chunks('hello ', 'world'), 12)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(store.writeBlob('r', chunks('hello ', 'world'), 5)).rejects.toMatchObject({ code: 'invalid_argument' });
    const out: string[] = [];
    for await (const chunk of store.readBlob('r', written.hash, 3, 4)) out.push(new TextDecoder().decode(chunk));
    expect(out).toEqual(['lo w', 'orld']);
    await expect(store.readBlob('r', written.hash, 12, 4)[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'out_of_range' });
    await expect(store.readBlob('r', blob('x').hash, 0, 4)[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'not_found' });
  });

  it('spools a blob of unknown size and leaves no temp file behind, even after a failed upload', async () => {
    const dir = await dataDir();
    const store = await open(dir);
    await store.createRepository(record('r'));
    const big = 'x'.repeat(300_000);
    expect(await store.writeBlob('r', chunks(big, 'y'), undefined)).toEqual({ hash: blob(`${big}y`).hash, size: 300_001 });
    expect(await store.writeBlob('r', chunks(), undefined)).toEqual({ hash: blob('').hash, size: 0 });
    await expect(store.writeBlob('r', chunks('abc'), 2)).rejects.toMatchObject({ code: 'invalid_argument' });
    let total = 0;
    for await (const chunk of store.readBlob('r', blob(`${big}y`).hash, 0, 65_536)) total += chunk.byteLength;
    expect(total).toBe(300_001);
    expect(await readdir(join(dir, 'repos', 'r.git', 'govc-tmp'))).toEqual([]);
  });

  it('moves many refs in one compare-and-swap, or none', async () => {
    const store = await open(await dataDir());
    await store.createRepository(record('r'));
    const { lastSeq: start } = await store.refHistory('r', 10);
    expect(await store.updateRefs('r', [{ name: 'refs/heads/main', newHash: a, expectedOldHash: '' }])).toEqual([
      { seq: start + 1, name: 'refs/heads/main', oldHash: '', newHash: a },
    ]);
    await expect(
      store.updateRefs('r', [
        { name: 'refs/heads/x', newHash: a, expectedOldHash: '' },
        { name: 'refs/heads/main', newHash: b, expectedOldHash: b },
      ]),
    ).rejects.toMatchObject({ code: 'aborted' });
    expect(await store.listRefs('r', '')).toEqual([{ name: 'refs/heads/main', hash: a }]);
    await expect(
      store.updateRefs('r', [
        { name: 'refs/heads/y', newHash: a, expectedOldHash: '' },
        { name: 'refs/heads/y', newHash: b, expectedOldHash: a },
      ]),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    // A step that failed used no numbers: each change is numbered one on from the one before.
    expect(
      await store.updateRefs('r', [
        { name: 'refs/heads/x', newHash: a, expectedOldHash: '' },
        { name: 'refs/heads/main', newHash: '', expectedOldHash: a },
      ]),
    ).toEqual([
      { seq: start + 2, name: 'refs/heads/x', oldHash: '', newHash: a },
      { seq: start + 3, name: 'refs/heads/main', oldHash: a, newHash: '' },
    ]);
    expect(await store.listRefs('r', 'refs/heads/')).toEqual([{ name: 'refs/heads/x', hash: a }]);
    expect((await store.refHistory('r', 10)).lastSeq).toBe(start + 3);
    expect(await store.getRef('r', 'refs/heads/x')).toBe(a);
  });

  it('refuses refs that clash as file and directory, as git does', async () => {
    const store = await open(await dataDir());
    await store.createRepository(record('r'));
    await store.updateRefs('r', [{ name: 'refs/heads/a/b', newHash: a, expectedOldHash: '' }]);
    await expect(store.updateRefs('r', [{ name: 'refs/heads/a', newHash: a, expectedOldHash: '' }])).rejects.toMatchObject({
      code: 'failed_precondition',
    });
    await expect(store.updateRefs('r', [{ name: 'refs/heads/a/b/c', newHash: a, expectedOldHash: '' }])).rejects.toMatchObject({
      code: 'failed_precondition',
    });
    await store.updateRefs('r', [
      { name: 'refs/heads/a/b', newHash: '', expectedOldHash: a },
      { name: 'refs/heads/a', newHash: a, expectedOldHash: '' },
    ]);
    expect((await store.listRefs('r', '')).map((r) => r.name)).toEqual(['refs/heads/a']);
  });

  it('serialises concurrent compare-and-swaps on one ref: exactly one wins', async () => {
    const store = await open(await dataDir());
    await store.createRepository(record('r'));
    const results = await Promise.allSettled(
      [a, b, 'c'.repeat(40)].map((hash) => store.updateRefs('r', [{ name: 'refs/heads/main', newHash: hash, expectedOldHash: '' }])),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('answers not_found for a missing repository and already_exists for a second create', async () => {
    const store = await open(await dataDir());
    await expect(store.getObject('nope', a)).rejects.toMatchObject({ code: 'not_found' });
    await expect(store.putObjects('nope', [blob('x')])).rejects.toMatchObject({ code: 'not_found' });
    await store.createRepository(record('r'));
    await expect(store.createRepository(record('r'))).rejects.toMatchObject({ code: 'already_exists' });
    const both = await Promise.allSettled([store.createRepository(record('s')), store.createRepository(record('s'))]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(both.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'already_exists' } });
    await expect(store.createRepository(record('../evil'))).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(store.getObject('r', '../../x')).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('deletes a repository wholly, and the name can be used again', async () => {
    const dir = await dataDir();
    const store = await open(dir);
    await store.createRepository(record('r'));
    await store.putObjects('r', [blob('x')]);
    await store.deleteRepository('r');
    expect(await store.getRepository('r')).toBeUndefined();
    expect(await readdir(join(dir, 'repos'))).toEqual([]);
    expect(await readdir(join(dir, 'trash'))).toEqual([]);
    await store.createRepository(record('r'));
    expect(await store.hasObjects('r', [blob('x').hash])).toEqual([false]);
    await expect(store.deleteRepository('nope')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('never lets a write racing a delete land in a same-named repository created next', async () => {
    const dir = await dataDir();
    const store = await open(dir, { objectLog: { quietMs: 1 } });
    for (let round = 0; round < 20; round++) {
      await store.createRepository(record('r'));
      const objects = [blob(`racing ${round}`), blob(`racing ${round} too`)];
      const writing = store.putObjects('r', objects);
      // The delete starts while the write is in one stage or another of its way to the log.
      for (let turn = 0; turn < round % 5; turn++) await new Promise((resolve) => setImmediate(resolve));
      const results = await Promise.allSettled([writing, store.deleteRepository('r')]);
      expect(results[1].status).toBe('fulfilled');
      if (results[0].status === 'rejected') expect(results[0].reason).toMatchObject({ code: 'not_found' });
      await store.createRepository(record('r'));
      // Long enough for a quiet seal the old log might still have armed.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(
        await store.hasObjects(
          'r',
          objects.map((o) => o.hash),
        ),
      ).toEqual([false, false]);
      expect(await readdir(join(dir, 'repos', 'r.git', 'objects', 'pack'))).toEqual([]);
      await store.deleteRepository('r');
    }
  });

  it('keeps serving a repository whose deletion failed', async () => {
    const dir = await dataDir();
    const store = await open(dir);
    await store.createRepository(record('r'));
    const before = blob('before');
    await store.putObjects('r', [before]);
    // The trash directory is a file: moving the repository there fails.
    await rm(join(dir, 'trash'), { recursive: true });
    await writeFile(join(dir, 'trash'), 'in the way');
    await expect(store.deleteRepository('r')).rejects.toThrow();
    const after = blob('after');
    await store.putObjects('r', [after]);
    await store.updateRefs('r', [{ name: 'refs/heads/main', newHash: after.hash, expectedOldHash: '' }]);
    expect(await store.getRef('r', 'refs/heads/main')).toBe(after.hash);
    expect(await store.hasObjects('r', [before.hash, after.hash])).toEqual([true, true]);
    await rm(join(dir, 'trash'));
    await mkdir(join(dir, 'trash'));
    await store.deleteRepository('r');
    expect(await store.listRepositories()).toEqual([]);
  });

  it('keeps every repository, object and ref across a restart', async () => {
    const dir = await dataDir();
    const first = await createDiskStore({ dataDir: dir });
    await first.createRepository({ name: 'r', defaultBranch: 'main', createdAt: 1234 });
    await first.createRepository(record('s'));
    const objects = Array.from({ length: 200 }, (_, i) => blob(`object ${i}`));
    await first.putObjects('r', objects);
    const big = await first.writeBlob('s', chunks('streamed ', 'blob'), 13);
    await first.updateRefs('r', [
      { name: 'refs/heads/main', newHash: a, expectedOldHash: '' },
      { name: 'refs/tags/v1', newHash: b, expectedOldHash: '' },
    ]);
    await first.close();

    const second = await open(dir);
    expect(second.description).toBe(`disk (${dir})`);
    expect(await second.listRepositories()).toEqual([
      { name: 'r', defaultBranch: 'main', createdAt: 1234 },
      { name: 's', defaultBranch: 'main', createdAt: 1 },
    ]);
    expect(
      await second.hasObjects(
        'r',
        objects.map((o) => o.hash),
      ),
    ).toEqual(objects.map(() => true));
    expect((await second.getObject('s', big.hash))?.size).toBe(13);
    expect(await second.listRefs('r', 'refs/')).toEqual([
      { name: 'refs/heads/main', hash: a },
      { name: 'refs/tags/v1', hash: b },
    ]);
  });

  it('keeps a second store off an open data directory, and recovers a stale lock and crash leftovers', async () => {
    const dir = await dataDir();
    const first = await createDiskStore({ dataDir: dir });
    await expect(createDiskStore({ dataDir: dir })).rejects.toMatchObject({
      code: 'failed_precondition',
      message: expect.stringContaining('in use'),
    });
    await first.createRepository(record('r'));
    await first.close();

    // A crashed server: its pid is dead, and it left a lock, temp files and a packed-refs lock.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    await writeFile(join(dir, 'govc.lock'), `${dead}\n`);
    await writeFile(join(dir, 'repos', 'r.git', 'govc-tmp', 'blob.tmp-0123'), 'half');
    await writeFile(join(dir, 'repos', 'r.git', 'packed-refs.lock'), 'half');
    await writeFile(join(dir, 'repos', 'r.git', 'objects', 'pack', `pack-${a}.pack`), 'a pack whose index never landed');
    const second = await open(dir);
    expect(await readdir(join(dir, 'repos', 'r.git', 'govc-tmp'))).toEqual([]);
    expect(await readdir(join(dir, 'repos', 'r.git', 'objects', 'pack'))).toEqual([]);
    await second.updateRefs('r', [{ name: 'refs/heads/main', newHash: a, expectedOldHash: '' }]);
    await second.close();
    await open(dir);
  });
});
