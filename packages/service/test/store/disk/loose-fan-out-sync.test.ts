import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashObject } from '../../../src/objects/hash.js';
import type { DirectorySyncer } from '../../../src/store/disk/directory-syncer.js';
import { writeBlobStream } from '../../../src/store/disk/blob-stream.js';
import { readLooseObject, type ObjectDirs } from '../../../src/store/disk/loose-object-files.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function objectDirs(): Promise<ObjectDirs> {
  const dir = await mkdtemp(join(tmpdir(), 'govc-fan-out-'));
  dirs.push(dir);
  const result = { objects: join(dir, 'objects'), temp: join(dir, 'tmp') };
  await mkdir(result.objects);
  await mkdir(result.temp);
  return result;
}

/** A syncer that records which directories it was asked to sync. */
function recordingSyncer(): DirectorySyncer & { synced: string[] } {
  const synced: string[] = [];
  return {
    synced,
    sync: async (dir) => void synced.push(dir),
  };
}

/** Blobs whose hashes share the first byte, so that they land in one fan-out directory. */
function blobsInOneFanOut(count: number) {
  const found: { hash: string; type: 'blob'; body: Uint8Array }[] = [];
  // Each pass tries one blob; about one in 256 has the wanted prefix.
  for (let n = 0; found.length < count; n++) {
    const body = new TextEncoder().encode(`fan-out ${n}`);
    const hash = hashObject('blob', body);
    if (hash.startsWith('ab')) found.push({ hash, type: 'blob', body });
  }
  return found;
}

/** Streams a blob in as one chunk of declared size. */
function putBlob(dirs: ObjectDirs, blob: { body: Uint8Array }, syncer: DirectorySyncer) {
  return writeBlobStream(
    dirs,
    (async function* () {
      yield blob.body;
    })(),
    blob.body.byteLength,
    syncer,
  );
}

describe('streamed blobs in a fan-out directory another writer made', () => {
  it('sync objects/ too, until a sync of objects/ has covered that fan-out', async () => {
    const dirs = await objectDirs();
    const [first, second, third] = blobsInOneFanOut(3);
    // Made by a concurrent writer (another blob stream) whose sync of objects/ may not have run.
    await mkdir(join(dirs.objects, 'ab'));
    const syncer = recordingSyncer();
    await putBlob(dirs, first!, syncer);
    expect(syncer.synced).toEqual([join(dirs.objects, 'ab'), dirs.objects]);

    syncer.synced.length = 0;
    await putBlob(dirs, second!, syncer);
    await putBlob(dirs, third!, syncer);
    expect(syncer.synced).toEqual([join(dirs.objects, 'ab'), join(dirs.objects, 'ab')]);
    expect(await readLooseObject(dirs, third!.hash)).toMatchObject({ type: 'blob', size: third!.body.byteLength });
  });

  it('learn nothing from a failed sync of objects/', async () => {
    const dirs = await objectDirs();
    const [first, second] = blobsInOneFanOut(2);
    let failing = true;
    const synced: string[] = [];
    const syncer: DirectorySyncer = {
      sync: async (dir) => {
        synced.push(dir);
        if (failing && dir === dirs.objects) throw new Error('EIO');
      },
    };
    await expect(putBlob(dirs, first!, syncer)).rejects.toThrow('EIO');
    failing = false;
    synced.length = 0;
    await putBlob(dirs, second!, syncer);
    expect(synced).toEqual([join(dirs.objects, 'ab'), dirs.objects]);
  });
});
