import { createHash } from 'node:crypto';
import { deflateSync, crc32 } from 'node:zlib';
import { GovcError } from '@govc/core';
import type { ObjectType } from '../../objects/object-type.js';
import type { NewObject } from '../storage.js';
import { storedZlibBytes, writeStoredZlib } from './stored-zlib.js';

// The type numbers of git's pack format for whole objects; deltas (6, 7) are read, never written.
const packTypes: Record<ObjectType, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };
const typesByNumber: readonly (ObjectType | undefined)[] = [undefined, 'commit', 'tree', 'blob', 'tag'];

// Bodies up to this size go in as stored (uncompressed) zlib streams built here: deflateSync costs
// 10-35 µs per call whatever the size (a fresh zlib state each time), most of a small write's
// CPU, while so few bytes compress to little. Larger bodies are deflated, level 1 as for loose
// objects: group writes are latency-bound, so cheap compression wins. At most 65535, what one
// stored block holds.
const storedMaxBytes = 512;
const packCompressionLevel = 1;

/** A finished pack and its version-2 index, ready to be written; `name` is the pack's checksum. */
export interface BuiltPack {
  readonly name: string;
  readonly pack: Buffer;
  readonly index: Buffer;
  /** The objects packed, each hash once, in the order of their entries. */
  readonly hashes: readonly string[];
  /** Where each of `hashes`' entries starts, then where the last one ends. */
  readonly offsets: Uint32Array;
}

/** An object's entry as it lies in a pack (type and size header, zlib stream): moved between packs as is. */
export interface RawPackEntry {
  readonly hash: string;
  readonly bytes: Uint8Array;
}

/** The length of git's entry header for a body of `size`: 4 bits of size, then 7 bits per byte. */
function entryHeaderLength(size: number): number {
  let length = 1;
  for (let rest = Math.floor(size / 16); rest > 0; rest = Math.floor(rest / 128)) length++;
  return length;
}

/** Writes git's entry header (type and size, low groups first) at `at`; returns where it ends. */
function writeEntryHeader(into: Buffer, at: number, type: ObjectType, size: number): number {
  let byte = (packTypes[type] << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    into[at++] = byte | 0x80;
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  into[at++] = byte;
  return at;
}

// Buckets of the first byte hold a few objects each; past this many, a bucket is sorted by
// Array#sort rather than by insertion, so crafted hashes cannot make a group quadratic.
const insertionSortMax = 16;

function hexValue(code: number): number {
  return code <= 0x39 ? code - 0x30 : code - 0x57;
}

/**
 * `objects` in hash order, each hash once: a counting sort on the first byte, then each bucket
 * sorted (lowercase hex sorts as the bytes it spells). Hashes must be 40 lowercase hex digits.
 */
function sortedUnique<T extends { readonly hash: string }>(objects: readonly T[]): T[] {
  const count = objects.length;
  const buckets = new Uint32Array(257);
  const keys = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const { hash } = objects[i]!;
    // Masked so that even a malformed hash lands in some bucket.
    const key = ((hexValue(hash.charCodeAt(0)) << 4) | hexValue(hash.charCodeAt(1))) & 0xff;
    keys[i] = key;
    buckets[key + 1]!++;
  }
  for (let key = 0; key < 256; key++) buckets[key + 1]! += buckets[key]!;
  const sorted = new Array<T>(count);
  const fill = buckets.slice(0, 256);
  for (let i = 0; i < count; i++) sorted[fill[keys[i]!]!++] = objects[i]!;
  const byHash = (x: T, y: T): number => (x.hash < y.hash ? -1 : x.hash > y.hash ? 1 : 0);
  let kept = 0;
  for (let key = 0; key < 256; key++) {
    const start = buckets[key]!;
    const end = buckets[key + 1]!;
    if (end - start > insertionSortMax) {
      const bucket = sorted.slice(start, end).sort(byHash);
      for (let i = 0; i < bucket.length; i++) sorted[start + i] = bucket[i]!;
    } else {
      for (let i = start + 1; i < end; i++) {
        const object = sorted[i]!;
        let j = i - 1;
        for (; j >= start && sorted[j]!.hash > object.hash; j--) sorted[j + 1] = sorted[j]!;
        sorted[j + 1] = object;
      }
    }
    // Drop repeats, compacting towards the front.
    for (let i = start; i < end; i++) {
      if (kept > 0 && sorted[kept - 1]!.hash === sorted[i]!.hash) continue;
      sorted[kept++] = sorted[i]!;
    }
  }
  sorted.length = kept;
  return sorted;
}

/** How one object's pack entry will be written: its length and, for a larger body, the body deflated. */
export interface PackEntryPlan {
  readonly length: number;
  readonly deflated: Buffer | undefined;
}

/** Plans the pack entry of a body: stored up to 512 bytes, deflated at level 1 above. */
export function planPackEntry(body: Uint8Array): PackEntryPlan {
  const deflated = body.byteLength > storedMaxBytes ? deflateSync(body, { level: packCompressionLevel }) : undefined;
  return { length: entryHeaderLength(body.byteLength) + (deflated?.length ?? storedZlibBytes(body.byteLength)), deflated };
}

/** Writes the pack entry `plan` describes (type and size header, zlib stream) at `at`; returns where it ends. */
export function writePackEntry(into: Buffer, at: number, type: ObjectType, body: Uint8Array, plan: PackEntryPlan): number {
  const bodyAt = writeEntryHeader(into, at, type, body.byteLength);
  return plan.deflated ? bodyAt + plan.deflated.copy(into, bodyAt) : writeStoredZlib(into, bodyAt, body);
}

/**
 * Builds a pack (version 2, no deltas) holding `objects`, each hash once, and its `.idx`
 * (version 2: fan-out, sorted names, CRC-32 of each entry, 31-bit offsets), as
 * `git index-pack` would. Entries go in hash order, so that the index lists them as they lie.
 */
export function buildPack(objects: readonly NewObject[]): BuiltPack {
  return copyPackEntries(objects.map(({ hash, type, body }) => ({ hash, bytes: encodePackEntry(type, body) })));
}

/**
 * A pack of `entries`, each hash once, copied as they are (no inflating or deflating: how packs
 * are merged), and its `.idx`. Callers keep a pack under 2 GiB, so no 64-bit offset table is needed.
 */
export function copyPackEntries(entries: readonly RawPackEntry[]): BuiltPack {
  const sorted = sortedUnique(entries);
  const count = sorted.length;
  let packLength = 12 + 20;
  for (const { bytes } of sorted) packLength += bytes.byteLength;
  const pack = newPack(packLength, count);
  const layout = newPackLayout(count);
  let at = 12;
  for (let i = 0; i < count; i++) {
    const { hash, bytes } = sorted[i]!;
    layout.hashes.push(hash);
    layout.names.write(hash, i * 20, 20, 'hex');
    layout.offsets[i] = at;
    pack.set(bytes, at);
    layout.crcs[i] = crc32(bytes);
    at += bytes.byteLength;
  }
  layout.offsets[count] = at;
  return finishPack(pack, layout);
}

/** A pack buffer of `length` bytes with its header (version 2, `count` objects) written. */
export function newPack(length: number, count: number): Buffer {
  if (length - 20 >= 2 ** 31) throw new GovcError('internal', 'a pack written here must stay under 2 GiB');
  const pack = Buffer.allocUnsafe(length);
  pack.write('PACK', 0, 'latin1');
  pack.writeUInt32BE(2, 4);
  pack.writeUInt32BE(count, 8);
  return pack;
}

/**
 * Where a pack's entries lie, in the order they lie (any order: only the index is sorted), for
 * its index: entry `i` is object `hashes[i]` (`names` holds the same 20 bytes each, binary),
 * starts at `offsets[i]` and has the CRC-32 `crcs[i]`; `offsets[count]` is where the last ends.
 */
export interface PackLayout {
  readonly hashes: string[];
  readonly names: Buffer;
  readonly offsets: Uint32Array;
  readonly crcs: Uint32Array;
}

/** An empty layout for `count` entries, to be filled. */
export function newPackLayout(count: number): PackLayout {
  return { hashes: [], names: Buffer.allocUnsafe(count * 20), offsets: new Uint32Array(count + 1), crcs: new Uint32Array(count) };
}

/** Writes the checksum after the pack's last entry and builds its index. Names must be distinct. */
export function finishPack(pack: Buffer, layout: PackLayout): BuiltPack {
  const { hashes, offsets } = layout;
  const end = offsets[hashes.length]!;
  const checksum = createHash('sha1').update(pack.subarray(0, end)).digest();
  checksum.copy(pack, end);
  return { name: checksum.toString('hex'), pack, index: buildIndex(layout, checksum), hashes, offsets };
}

/**
 * The order of `count` distinct 20-byte names by value: a counting sort on the first one or two
 * bytes (buckets of a few names each whatever the pack's size), then each bucket sorted — by
 * insertion while small, else by Array#sort, so that crafted names cannot make it quadratic.
 */
function nameOrder(names: Buffer, count: number): Uint32Array {
  // Two bytes' worth of buckets for a large pack; one byte's for a small one, whose table is then small too.
  const keyBytes = count < 4096 ? 1 : 2;
  const buckets = 256 ** keyBytes;
  const key = keyBytes === 1 ? (i: number): number => names[i * 20]! : (i: number): number => (names[i * 20]! << 8) | names[i * 20 + 1]!;
  const starts = new Uint32Array(buckets + 1);
  for (let i = 0; i < count; i++) starts[key(i) + 1]!++;
  for (let k = 0; k < buckets; k++) starts[k + 1]! += starts[k]!;
  const order = new Uint32Array(count);
  const fill = starts.slice(0, buckets);
  for (let i = 0; i < count; i++) order[fill[key(i)]!++] = i;
  // Negative when name a sorts before name b (past the bytes the buckets already sorted by).
  const compare = (a: number, b: number): number => names.compare(names, b * 20 + keyBytes, b * 20 + 20, a * 20 + keyBytes, a * 20 + 20);
  for (let k = 0; k < buckets; k++) {
    const start = starts[k]!;
    const end = starts[k + 1]!;
    if (end - start < 2) continue;
    if (end - start > insertionSortMax) {
      order.set(Array.from(order.subarray(start, end)).sort(compare), start);
      continue;
    }
    for (let i = start + 1; i < end; i++) {
      const name = order[i]!;
      let j = i - 1;
      for (; j >= start && compare(order[j]!, name) > 0; j--) order[j + 1] = order[j]!;
      order[j + 1] = name;
    }
  }
  return order;
}

/** The version-2 `.idx` of a pack laid out as `layout`: names sorted, with their CRC-32s and offsets. */
function buildIndex(layout: PackLayout, packChecksum: Buffer): Buffer {
  const { names, offsets, crcs } = layout;
  const count = layout.hashes.length;
  const order = nameOrder(names, count);
  const nameTable = 8 + 256 * 4;
  const crcTable = nameTable + count * 20;
  const offsetTable = crcTable + count * 4;
  const end = offsetTable + count * 4;
  const index = Buffer.allocUnsafe(end + 40);
  index.writeUInt32BE(0xff744f63, 0);
  index.writeUInt32BE(2, 4);
  const fanOut = new Uint32Array(256);
  for (let i = 0; i < count; i++) {
    const from = order[i]! * 20;
    const to = nameTable + i * 20;
    for (let b = 0; b < 20; b++) index[to + b] = names[from + b]!;
    fanOut[names[from]!]!++;
  }
  let total = 0;
  for (let byte = 0; byte < 256; byte++) {
    total += fanOut[byte]!;
    index.writeUInt32BE(total, 8 + byte * 4);
  }
  for (let i = 0; i < count; i++) {
    index.writeUInt32BE(crcs[order[i]!]!, crcTable + i * 4);
    index.writeUInt32BE(offsets[order[i]!]!, offsetTable + i * 4);
  }
  packChecksum.copy(index, end);
  createHash('sha1')
    .update(index.subarray(0, end + 20))
    .digest()
    .copy(index, end + 20);
  return index;
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
  // The fan-out counts the names up to each first byte: it never falls, and its last is the count.
  for (let byte = 1; byte < 256; byte++) {
    if (index.readUInt32BE(8 + byte * 4) < index.readUInt32BE(4 + byte * 4))
      throw new GovcError('data_loss', `${pack}: a malformed pack index`);
  }
  const count = index.readUInt32BE(8 + 255 * 4);
  const names = 8 + 1024;
  const offsets = names + count * 24;
  // Offsets past 2 GiB (git writes them for large packs) sit in a table of 64-bit ones after.
  const largeOffsets = offsets + count * 4;
  if (index.length < largeOffsets + 40) throw new GovcError('data_loss', `${pack}: truncated pack index`);
  const found: { hash: string; offset: number }[] = [];
  for (let i = 0; i < count; i++) {
    let offset = index.readUInt32BE(offsets + i * 4);
    if (offset & 0x80000000) {
      const at = largeOffsets + (offset & 0x7fffffff) * 8;
      if (at + 8 > index.length - 40) throw new GovcError('data_loss', `${pack}: truncated pack index`);
      offset = Number(index.readBigUInt64BE(at));
    }
    if (offset < 12 || offset >= packSize - 20) throw new GovcError('data_loss', `${pack}: the index points outside the pack`);
    found.push({ hash: index.toString('hex', names + i * 20, names + i * 20 + 20), offset });
  }
  found.sort((a, b) => a.offset - b.offset);
  found.forEach(({ hash, offset }, i) => into.set(hash, { pack, offset, end: found[i + 1]?.offset ?? packSize - 20 }));
}

/**
 * One pack entry's header, split from its deflated data: a whole object (the only kind this
 * store writes), or a delta (`git gc` and `git repack` write them) against a base found
 * `baseDistance` bytes before the entry (OFS_DELTA) or by name (REF_DELTA). `size` is the
 * inflated size of what follows: the object, or the delta.
 */
export type PackEntryHeader =
  | { readonly kind: 'whole'; readonly type: ObjectType; readonly size: number; readonly deflated: Buffer }
  | { readonly kind: 'ofs-delta'; readonly baseDistance: number; readonly size: number; readonly deflated: Buffer }
  | { readonly kind: 'ref-delta'; readonly baseHash: string; readonly size: number; readonly deflated: Buffer };

const ofsDelta = 6;
const refDelta = 7;

/** Parses one pack entry's header; a type git does not define is `data_loss`. */
export function parsePackEntry(entry: Buffer): PackEntryHeader {
  let at = 0;
  const next = (): number => {
    if (at >= entry.length) throw new GovcError('data_loss', 'a pack entry is truncated');
    return entry[at++]!;
  };
  let byte = next();
  const typeNumber = (byte >> 4) & 7;
  let size = byte & 0x0f;
  let shift = 4;
  while (byte & 0x80) {
    if (shift > 49) throw new GovcError('data_loss', 'a pack entry header is malformed');
    byte = next();
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  }
  const type = typesByNumber[typeNumber];
  if (type !== undefined) return { kind: 'whole', type, size, deflated: entry.subarray(at) };
  if (typeNumber === ofsDelta) {
    // Big-endian base-128, each continuation adding one (git's "offset encoding").
    byte = next();
    let baseDistance = byte & 0x7f;
    while (byte & 0x80) {
      if (baseDistance > 2 ** 45) throw new GovcError('data_loss', 'a pack entry header is malformed');
      byte = next();
      baseDistance = (baseDistance + 1) * 128 + (byte & 0x7f);
    }
    return { kind: 'ofs-delta', baseDistance, size, deflated: entry.subarray(at) };
  }
  if (typeNumber === refDelta) {
    if (entry.length < at + 20) throw new GovcError('data_loss', 'a pack entry is truncated');
    return { kind: 'ref-delta', baseHash: entry.toString('hex', at, at + 20), size, deflated: entry.subarray(at + 20) };
  }
  throw new GovcError('data_loss', `a pack entry of unknown type ${typeNumber}`);
}

/** A whole object's pack entry, in a buffer of its own. */
export function encodePackEntry(type: ObjectType, body: Uint8Array): Buffer {
  const plan = planPackEntry(body);
  const bytes = Buffer.allocUnsafe(plan.length);
  writePackEntry(bytes, 0, type, body, plan);
  return bytes;
}
