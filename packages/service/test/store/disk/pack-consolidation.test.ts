import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashObject } from '../../../src/objects/hash.js';
import { createDiskStore } from '../../../src/store/disk/create-disk-store.js';
import { createPackConsolidator } from '../../../src/store/disk/pack-consolidation.js';
import { buildPack } from '../../../src/store/disk/pack-file.js';
import { readPackedObject, readPackedWithRetry, writePack, type PackedObjects } from '../../../src/store/disk/packed-objects.js';
import type { NewObject } from '../../../src/store/storage.js';
import { createGitSandbox, type GitSandbox } from '../../objects/git-sandbox.js';
import { useDiskFixture } from './disk-fixture.js';

const { objectDirs } = useDiskFixture('govc-consolidation-');
let sandbox: GitSandbox;
beforeAll(() => {
  sandbox = createGitSandbox();
});
afterAll(() => sandbox.remove());

const blob = (body: Uint8Array): NewObject => ({ hash: hashObject('blob', body), type: 'blob', body });
const record = { name: 'r', defaultBranch: 'main', createdAt: 1 };
// Each group's log frame packed at once (a pack of three objects each), merged once four small
// packs are there, looked at every fourth pack.
const options = { objectLog: { sealBytes: 1 }, consolidation: { checkEvery: 4, minPacks: 4, quietMs: 0 } };

async function packCount(dataDir: string): Promise<number> {
  return (await readdir(join(dataDir, 'repos', 'r.git', 'objects', 'pack'))).filter((name) => name.endsWith('.pack')).length;
}

describe('pack consolidation', () => {
  it('merges the small packs of many groups into few, durably, with every object readable and git content', async () => {
    const dataDir = join(sandbox.dir, 'merge');
    const store = await createDiskStore({ dataDir, ...options });
    await store.createRepository(record);
    const written: NewObject[] = [];
    for (let group = 0; group < 16; group++) {
      const objects = [blob(randomBytes(40)), blob(randomBytes(700)), blob(new TextEncoder().encode(`group ${group}`))];
      written.push(...objects);
      await store.putObjects('r', objects);
    }
    await store.close(); // waits for a consolidation still running
    expect(await packCount(dataDir)).toBeLessThan(16);

    const reopened = await createDiskStore({ dataDir, ...options });
    try {
      for (const object of written) {
        const stored = await reopened.getObject('r', object.hash);
        expect(Buffer.from(stored!.body).equals(Buffer.from(object.body))).toBe(true);
      }
      const gitDir = join(dataDir, 'repos', 'r.git');
      expect(sandbox.run(['--git-dir', gitDir, 'fsck', '--strict', '--full']).status).toBe(0);
      const packs = (await readdir(join(gitDir, 'objects', 'pack'))).filter((name) => name.endsWith('.idx'));
      for (const index of packs) expect(sandbox.run(['verify-pack', join(gitDir, 'objects', 'pack', index)]).status).toBe(0);
      const listed = sandbox.git(['--git-dir', gitDir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname)']).split('\n');
      expect(new Set(listed)).toEqual(new Set(written.map((object) => object.hash)));
    } finally {
      await reopened.close();
    }
  });

  it('lets a read that looked its entry up before the merge find the object in the new pack', async () => {
    const dirs = await objectDirs();
    const packed: PackedObjects = new Map();
    const objects = Array.from({ length: 4 }, () => blob(randomBytes(100)));
    for (const object of objects) await writePack(dirs, buildPack([object]), packed);
    const first = objects[0]!;
    const stale = packed.get(first.hash)!;
    const consolidator = createPackConsolidator(dirs, packed, { checkEvery: 1, minPacks: 2, quietMs: 0 }, (error) => {
      throw error;
    });
    consolidator.packWritten();
    await consolidator.idle();
    expect(packed.get(first.hash)!.pack).not.toBe(stale.pack);
    await expect(readPackedObject(stale)).rejects.toMatchObject({ code: 'ENOENT' });
    const read = await readPackedWithRetry(packed, first.hash, stale, readPackedObject);
    expect(Buffer.from(read.body).equals(Buffer.from(first.body))).toBe(true);
    expect((await readdir(join(dirs.objects, 'pack'))).filter((name) => name.endsWith('.pack'))).toHaveLength(1);
  });

  it('keeps a pack that the merge rebuilds byte for byte (its objects all live on in it)', async () => {
    const dirs = await objectDirs();
    const packed: PackedObjects = new Map();
    const [a, b, c] = Array.from({ length: 3 }, () => blob(randomBytes(100)));
    // The second group writes a and b again (as concurrent writers may): the first pack is dead,
    // and merging both yields exactly the second one.
    await writePack(dirs, buildPack([a!, b!]), packed);
    await writePack(dirs, buildPack([a!, b!, c!]), packed);
    const second = packed.get(c!.hash)!.pack;
    const consolidator = createPackConsolidator(dirs, packed, { checkEvery: 1, minPacks: 2, quietMs: 0 }, (error) => {
      throw error;
    });
    consolidator.packWritten();
    await consolidator.idle();
    expect((await readdir(join(dirs.objects, 'pack'))).sort()).toEqual(
      [second, second.replace(/\.pack$/, '.idx')].map((path) => path.split('/').at(-1)).sort(),
    );
    for (const object of [a!, b!, c!]) {
      const read = await readPackedObject(packed.get(object.hash)!);
      expect(Buffer.from(read.body).equals(Buffer.from(object.body))).toBe(true);
    }
  });

  it('finds a new pack named in `packed` from the moment it is in the directory (else a merge would take it for dead)', async () => {
    const dirs = await objectDirs();
    const packed: PackedObjects = new Map();
    const object = blob(randomBytes(100));
    let done = false;
    const writing = writePack(dirs, buildPack([object]), packed).finally(() => (done = true));
    let looks = 0;
    // Each turn of the event loop, as a merge listing the directory would see it.
    while (!done && looks++ < 100_000) {
      if (readdirSync(join(dirs.objects, 'pack')).some((name) => name.endsWith('.idx'))) expect(packed.has(object.hash)).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writing;
    expect(looks).toBeGreaterThan(1);
  });

  it('loses nothing while seals write packs and merges run under them', async () => {
    const dataDir = join(sandbox.dir, 'overlap');
    // Every group sealed at once and every seal followed by a merge, so that merges list the
    // pack directory while the next seal's pack is being named.
    const store = await createDiskStore({
      dataDir,
      objectLog: { sealBytes: 1 },
      consolidation: { checkEvery: 1, minPacks: 2, quietMs: 0 },
    });
    await store.createRepository(record);
    const written: NewObject[] = [];
    // Four writers, so that groups (and seals) keep coming while a merge reads and writes.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let group = 0; group < 40; group++) {
          const objects = [blob(randomBytes(30)), blob(randomBytes(3_000))];
          written.push(...objects);
          await store.putObjects('r', objects);
        }
      }),
    );
    await store.close();
    const reopened = await createDiskStore({ dataDir });
    try {
      expect(
        await reopened.hasObjects(
          'r',
          written.map((object) => object.hash),
        ),
      ).toEqual(written.map(() => true));
    } finally {
      await reopened.close();
    }
  });

  it('waits for a pause in the writes before it merges', async () => {
    const dirs = await objectDirs();
    const packed: PackedObjects = new Map();
    const consolidator = createPackConsolidator(dirs, packed, { checkEvery: 1, minPacks: 2, quietMs: 200 }, (error) => {
      throw error;
    });
    const packs = async () => (await readdir(join(dirs.objects, 'pack'))).filter((name) => name.endsWith('.pack')).length;
    for (let i = 0; i < 4; i++) {
      await writePack(dirs, buildPack([blob(randomBytes(50))]), packed);
      consolidator.packWritten();
    }
    expect(await packs()).toBe(4); // still writing: nothing merged yet
    for (let waited = 0; (await packs()) > 1 && waited < 3_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    await consolidator.idle();
    expect(await packs()).toBe(1);
  });

  it('keeps reads working while packs are merged and removed under them', async () => {
    const dataDir = join(sandbox.dir, 'reads');
    const store = await createDiskStore({ dataDir, ...options });
    await store.createRepository(record);
    const written: NewObject[] = [];
    let writing = true;
    const failures: unknown[] = [];
    async function readLoop(): Promise<number> {
      let reads = 0;
      // Bounded: it stops when the writes are done, and each pass reads what was written so far.
      while (writing) {
        for (const object of written.slice()) {
          try {
            const [stored, info] = await Promise.all([store.getObject('r', object.hash), store.getObjectInfo('r', object.hash)]);
            if (stored?.body.byteLength !== object.body.byteLength || info?.size !== object.body.byteLength)
              failures.push(new Error(`wrong ${object.hash}`));
          } catch (error) {
            failures.push(error);
          }
          reads++;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      return reads;
    }
    const reader = readLoop();
    for (let group = 0; group < 24; group++) {
      const objects = [blob(randomBytes(30)), blob(randomBytes(300)), blob(randomBytes(3_000))];
      await store.putObjects('r', objects);
      written.push(...objects);
    }
    writing = false;
    expect(await reader).toBeGreaterThan(0);
    await store.close();
    expect(failures).toEqual([]);
    expect(await packCount(dataDir)).toBeLessThan(24);
  });
});
