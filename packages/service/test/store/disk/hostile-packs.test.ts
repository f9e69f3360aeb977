/**
 * Packs that lie — as a damaged disk or a hand-edited directory may leave them: every read is
 * `data_loss`, never a crash, a hang or an allocation the size of the lie.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { hashObject } from '../../../src/objects/hash.js';
import { copyPackEntries, encodePackEntry } from '../../../src/store/disk/pack-file.js';
import type { ObjectDirs } from '../../../src/store/disk/loose-object-files.js';
import {
  loadPackedObjects,
  readPackedObject,
  readPackedObjectInfo,
  writePack,
  type PackedObjects,
} from '../../../src/store/disk/packed-objects.js';
import { useDiskFixture } from './disk-fixture.js';

const { objectDirs } = useDiskFixture('govc-hostile-packs-');

/** A pack entry header: `type` (1-7) and `size`, git's varint. */
function header(type: number, size: number): number[] {
  const bytes = [(type << 4) | (size & 15)];
  for (let rest = Math.floor(size / 16); rest > 0; rest = Math.floor(rest / 128)) {
    bytes[bytes.length - 1]! |= 0x80;
    bytes.push(rest & 0x7f);
  }
  return bytes;
}

const name = (n: number): string => n.toString(16).padStart(40, '0');
const hex = (hash: string): number[] => [...Buffer.from(hash, 'hex')];

/** Packs raw entries (name, bytes) and returns the index of what it holds. */
async function packOf(entries: { hash: string; bytes: Uint8Array }[], dirs?: ObjectDirs): Promise<PackedObjects> {
  dirs ??= await objectDirs();
  const packed: PackedObjects = new Map();
  await writePack(dirs, copyPackEntries(entries), packed);
  return packed;
}

async function expectDataLoss(packed: PackedObjects, hash: string): Promise<void> {
  const entry = packed.get(hash)!;
  await expect(readPackedObject(entry, packed)).rejects.toMatchObject({ code: 'data_loss' });
  await expect(readPackedObjectInfo(entry, packed)).rejects.toMatchObject({ code: 'data_loss' });
}

describe('a pack that lies', () => {
  it('about an entry’s size: a 1 MB deflate bomb behind a 10-byte header', async () => {
    const bytes = Buffer.concat([Buffer.from(header(3, 10)), deflateSync(Buffer.alloc(1_000_000))]);
    const packed = await packOf([{ hash: name(1), bytes }]);
    await expect(readPackedObject(packed.get(name(1))!, packed)).rejects.toMatchObject({ code: 'data_loss' });
  });

  it('with data that does not inflate', async () => {
    const packed = await packOf([{ hash: name(1), bytes: Buffer.from([...header(3, 10), 0x78, 0x01, 0xff, 0xff, 0xff]) }]);
    await expect(readPackedObject(packed.get(name(1))!, packed)).rejects.toMatchObject({ code: 'data_loss' });
  });

  it('with a delta whose base lies before the pack', async () => {
    const delta = deflateSync(Buffer.from([0, 1, 1, 0x41]));
    const packed = await packOf([{ hash: name(1), bytes: Buffer.from([...header(6, 4), 0x7f, ...delta]) }]);
    await expectDataLoss(packed, name(1));
  });

  it('with a delta whose base is missing', async () => {
    const delta = deflateSync(Buffer.from([0, 1, 1, 0x41]));
    const packed = await packOf([{ hash: name(1), bytes: Buffer.from([...header(7, 4), ...hex(name(9)), ...delta]) }]);
    await expectDataLoss(packed, name(1));
  });

  it('with deltas that are each other’s base (a cycle)', async () => {
    const delta = deflateSync(Buffer.from([1, 1, 0x90, 1]));
    const packed = await packOf([
      { hash: name(1), bytes: Buffer.from([...header(7, 4), ...hex(name(2)), ...delta]) },
      { hash: name(2), bytes: Buffer.from([...header(7, 4), ...hex(name(1)), ...delta]) },
    ]);
    await expectDataLoss(packed, name(1));
  });

  it('with a delta that claims a huge result', async () => {
    const base = new TextEncoder().encode('base');
    const baseHash = hashObject('blob', base);
    // Base size 4, result size 2 GiB from one copy instruction: refused before any allocation.
    const delta = deflateSync(Buffer.from([4, 0x80, 0x80, 0x80, 0x80, 0x08, 0x90, 4]));
    const packed = await packOf([
      { hash: baseHash, bytes: encodePackEntry('blob', base) },
      { hash: name(1), bytes: Buffer.from([...header(7, delta.length), ...hex(baseHash), ...delta]) },
    ]);
    await expect(readPackedObject(packed.get(name(1))!, packed)).rejects.toMatchObject({ code: 'data_loss' });
  });

  it('in its index: a fan-out that falls', async () => {
    const dirs = await objectDirs();
    const packed = await packOf([{ hash: name(1), bytes: encodePackEntry('blob', new Uint8Array(3)) }], dirs);
    const index = packed.get(name(1))!.pack.replace(/\.pack$/, '.idx');
    const bytes = Buffer.from(await readFile(index));
    bytes.writeUInt32BE(5, 8); // names starting with byte 0: 5, yet 1 up to byte 255
    await chmod(index, 0o644);
    await writeFile(index, bytes);
    await expect(loadPackedObjects(dirs)).rejects.toMatchObject({ code: 'data_loss' });
  });

  it('with an entry of an unknown type, or a header cut short', async () => {
    const packed = await packOf([
      { hash: name(1), bytes: Buffer.from([...header(5, 1), 0x78, 0x01]) },
      { hash: name(2), bytes: Buffer.from([0x80 | (3 << 4)]) },
    ]);
    await expectDataLoss(packed, name(1));
    await expectDataLoss(packed, name(2));
  });
});
