import { createHash } from 'node:crypto';
import { deflateSync, crc32 } from 'node:zlib';
import { GovcError } from '@govc/core';
import type { ObjectType } from '../../objects/object-type.js';
import type { NewObject } from '../storage.js';

// The type numbers of git's pack format; deltas (6, 7) are never written or read here.
const packTypes: Record<ObjectType, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };
const typesByNumber: readonly (ObjectType | undefined)[] = [undefined, 'commit', 'tree', 'blob', 'tag'];

// As for loose objects: group writes are latency-bound, so cheap compression wins.
const packCompressionLevel = 1;

/** A finished pack and its version-2 index, ready to be written; `name` is the pack's checksum. */
export interface BuiltPack {
  readonly name: string;
  readonly pack: Buffer;
  readonly index: Buffer;
}

/** git's entry header: type and size, 4 bits of size first, then 7 bits per byte, low groups first. */
function entryHeader(type: ObjectType, size: number): Buffer {
  const bytes: number[] = [];
  let byte = (packTypes[type] << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}

/**
 * Builds a pack (version 2, no deltas) holding `objects` and its `.idx` (version 2: fan-out,
 * sorted names, CRC-32 of each entry, 31-bit offsets), as `git index-pack` would. Callers keep a
 * pack under 2 GiB, so no 64-bit offset table is needed.
 */
export function buildPack(objects: readonly NewObject[]): BuiltPack {
  const header = Buffer.alloc(12);
  header.write('PACK', 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(objects.length, 8);
  const parts: Buffer[] = [header];
  const entries: { name: Buffer; offset: number; crc: number }[] = [];
  let offset = header.length;
  for (const object of objects) {
    const entry = Buffer.concat([entryHeader(object.type, object.body.byteLength), deflateSync(object.body, { level: packCompressionLevel })]);
    entries.push({ name: Buffer.from(object.hash, 'hex'), offset, crc: crc32(entry) });
    parts.push(entry);
    offset += entry.length;
  }
  if (offset >= 2 ** 31) throw new GovcError('internal', 'a group pack must stay under 2 GiB');
  const body = Buffer.concat(parts, offset);
  const checksum = createHash('sha1').update(body).digest();
  const pack = Buffer.concat([body, checksum]);

  entries.sort((a, b) => Buffer.compare(a.name, b.name));
  const index = Buffer.alloc(8 + 256 * 4 + entries.length * (20 + 4 + 4) + 40);
  index.writeUInt32BE(0xff744f63, 0);
  index.writeUInt32BE(2, 4);
  let at = 8;
  let count = 0;
  for (let byte = 0; byte < 256; byte++) {
    while (count < entries.length && entries[count]?.name[0] === byte) count++;
    index.writeUInt32BE(count, at);
    at += 4;
  }
  for (const entry of entries) at += entry.name.copy(index, at);
  for (const entry of entries) at = index.writeUInt32BE(entry.crc, at);
  for (const entry of entries) at = index.writeUInt32BE(entry.offset, at);
  at += checksum.copy(index, at);
  createHash('sha1').update(index.subarray(0, at)).digest().copy(index, at);
  return { name: checksum.toString('hex'), pack, index };
}

/** Where an object lies in a pack: from `offset` to `end` (the next entry or the checksum). */
export interface PackEntry {
  readonly pack: string;
  readonly offset: number;
  readonly end: number;
}

/**
 * Reads a version-2 `.idx` into a map of hash to entry bounds; `packSize` is the `.pack` file's
 * size, whose last 20 bytes are its checksum. A malformed index is `data_loss`.
 */
export function readPackIndex(index: Buffer, pack: string, packSize: number, into: Map<string, PackEntry>): void {
  if (index.length < 8 + 1024 + 40 || index.readUInt32BE(0) !== 0xff744f63 || index.readUInt32BE(4) !== 2) {
    throw new GovcError('data_loss', `${pack}: not a version-2 pack index`);
  }
  const count = index.readUInt32BE(8 + 255 * 4);
  const names = 8 + 1024;
  const offsets = names + count * 24;
  if (index.length < offsets + count * 4 + 40) throw new GovcError('data_loss', `${pack}: truncated pack index`);
  const found: { hash: string; offset: number }[] = [];
  for (let i = 0; i < count; i++) {
    const offset = index.readUInt32BE(offsets + i * 4);
    // Our packs never need the 64-bit table; one that does was not written by this store.
    if (offset & 0x80000000) throw new GovcError('data_loss', `${pack}: 64-bit offsets are not supported`);
    found.push({ hash: index.toString('hex', names + i * 20, names + i * 20 + 20), offset });
  }
  found.sort((a, b) => a.offset - b.offset);
  found.forEach(({ hash, offset }, i) => into.set(hash, { pack, offset, end: found[i + 1]?.offset ?? packSize - 20 }));
}

/** Splits one pack entry into its type, size and the deflated body after the header. */
export function parsePackEntry(entry: Buffer): { type: ObjectType; size: number; deflated: Buffer } {
  let at = 0;
  let byte = entry[at++] ?? 0;
  const type = typesByNumber[(byte >> 4) & 7];
  let size = byte & 0x0f;
  let shift = 4;
  while (byte & 0x80) {
    byte = entry[at++] ?? 0;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  }
  if (type === undefined) throw new GovcError('data_loss', 'pack entry of an unsupported type (a delta?)');
  return { type, size, deflated: entry.subarray(at) };
}
