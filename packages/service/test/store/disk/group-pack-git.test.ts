import { randomBytes } from 'node:crypto';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCommit } from '../../../src/objects/commit.js';
import { hashObject } from '../../../src/objects/hash.js';
import type { ObjectType } from '../../../src/objects/object-type.js';
import { encodeTree } from '../../../src/objects/tree.js';
import { buildPack, parsePackEntry } from '../../../src/store/disk/pack-file.js';
import { loadPackedObjects, readPackedObject, writePack, type PackedObjects } from '../../../src/store/disk/packed-objects.js';
import type { NewObject } from '../../../src/store/storage.js';
import { createGitSandbox, type GitSandbox } from '../../objects/git-sandbox.js';

let sandbox: GitSandbox;
beforeAll(() => {
  sandbox = createGitSandbox();
});
afterAll(() => sandbox.remove());

const object = (type: ObjectType, body: Uint8Array): NewObject => ({ hash: hashObject(type, body), type, body });
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** Blobs on both sides of the stored / deflated line, an empty one, and a tree and commit naming them. */
function history(): NewObject[] {
  const blobs = [
    object('blob', text('')),
    object('blob', text('46 bytes of a small durable write, as benched.')),
    object('blob', new Uint8Array(512).fill(0x61)),
    object('blob', new Uint8Array(513).fill(0x62)),
    object('blob', randomBytes(70_000)),
    object('blob', text('x'.repeat(200_000))),
  ];
  const tree = object('tree', encodeTree(blobs.map((blob, i) => ({ mode: '100644', name: `file-${i}`, hash: blob.hash }))));
  const who = { name: 'Ada', email: 'ada@example.com', time: 1_700_000_000, tzOffset: '+0000' };
  const commit = object('commit', encodeCommit({ tree: tree.hash, parents: [], author: who, committer: who, message: 'Packed\n' }));
  return [...blobs, tree, commit];
}

describe('group packs', () => {
  it('hold each object once, in hash order, and read back as given', () => {
    const objects = history();
    const built = buildPack([...objects, objects[1]!, objects[4]!]);
    expect(built.hashes).toEqual(objects.map((o) => o.hash).sort());
    expect(built.pack.readUInt32BE(8)).toBe(objects.length);
    const byHash = new Map(objects.map((o) => [o.hash, o]));
    built.hashes.forEach((hash, i) => {
      const given = byHash.get(hash)!;
      const entry = parsePackEntry(built.pack.subarray(built.offsets[i]!, built.offsets[i + 1]!));
      expect(entry).toMatchObject({ kind: 'whole', type: given.type });
      expect(entry.size).toBe(given.body.byteLength);
      expect(new Uint8Array(inflateSync(entry.deflated))).toEqual(new Uint8Array(given.body));
    });
  });

  it('sort many objects sharing a first byte, as crafted hashes could', () => {
    const objects: NewObject[] = [];
    // Each pass adds one blob whose hash starts with 00; about 256 tries each.
    for (let n = 0; objects.length < 40; n++) {
      const blob = object('blob', text(`crafted ${n}`));
      if (blob.hash.startsWith('00')) objects.push(blob);
    }
    const built = buildPack([...objects].reverse());
    expect(built.hashes).toEqual(objects.map((o) => o.hash).sort());
  });

  it('are accepted by git verify-pack and git fsck --strict, and survive a reload', async () => {
    const repo = sandbox.repo;
    const dirs = { objects: join(repo, 'objects'), temp: join(repo, 'govc-tmp') };
    await mkdir(dirs.temp, { recursive: true });
    const packed: PackedObjects = new Map();
    const objects = history();
    await writePack(dirs, buildPack([...objects, objects[0]!]), packed);
    sandbox.git(['update-ref', 'refs/heads/main', objects.at(-1)!.hash]);

    const files = await readdir(join(dirs.objects, 'pack'));
    expect(files.sort()).toEqual([expect.stringMatching(/^pack-[0-9a-f]{40}\.idx$/), expect.stringMatching(/^pack-[0-9a-f]{40}\.pack$/)]);
    expect(await readdir(dirs.temp)).toEqual([]);
    const idx = join(
      dirs.objects,
      'pack',
      files.find((f) => f.endsWith('.idx'))!,
    );
    expect((await stat(idx)).mode & 0o777).toBe(0o444);
    const verified = sandbox.git(['verify-pack', '-v', idx]);
    expect(verified).toContain(`non delta: ${objects.length} objects`);
    sandbox.git(['fsck', '--strict', '--no-dangling']);
    expect(sandbox.git(['log', '--format=%s', 'main'])).toBe('Packed');
    for (const given of objects) {
      expect(new Uint8Array(sandbox.gitBytes(['cat-file', given.type, given.hash]))).toEqual(new Uint8Array(given.body));
    }

    const reloaded = await loadPackedObjects(dirs);
    expect([...reloaded.keys()].sort()).toEqual(objects.map((o) => o.hash).sort());
    for (const given of objects) {
      expect(reloaded.get(given.hash)).toEqual(packed.get(given.hash));
      const read = await readPackedObject(reloaded.get(given.hash)!);
      expect(read.type).toBe(given.type);
      expect(new Uint8Array(read.body)).toEqual(new Uint8Array(given.body));
    }
  });
});
