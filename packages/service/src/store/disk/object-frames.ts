import { crc32 } from 'node:zlib';
import { GovcError } from '@govc/core';
import type { NewObject } from '../storage.js';
import { frameHeaderBytes, sealFrame } from './log-frames.js';
import { finishPack, newPack, newPackLayout, parsePackEntry, planPackEntry, writePackEntry, type BuiltPack } from './pack-file.js';

/**
 * One frame of the object log (framed as log-frames.ts says): a group of objects, each once, as
 * the pack entries they will be. Its payload: the count (u32 big-endian), the objects' 20-byte
 * names, their entries' lengths (u32 big-endian each), then the entries back to back — so that
 * packing copies a frame's entries in one piece.
 */
export interface ObjectFrame {
  /** The whole frame, header included. */
  readonly bytes: Buffer;
  readonly hashes: readonly string[];
  /** Where each entry starts in `bytes`, then where the last one ends. */
  readonly starts: Uint32Array;
}

const countBytes = 4;

/** Where a frame's parts start, for `count` objects. */
function frameParts(count: number): { names: number; lengths: number; entries: number } {
  const names = frameHeaderBytes + countBytes;
  const lengths = names + count * 20;
  return { names, lengths, entries: lengths + count * 4 };
}

/** Encodes `objects` (each hash once) as one frame. */
export function encodeObjectFrame(objects: readonly NewObject[]): ObjectFrame {
  const unique = new Map<string, NewObject>();
  for (const object of objects) unique.set(object.hash, object);
  const count = unique.size;
  const plans = [...unique.values()].map((object) => ({ object, plan: planPackEntry(object.body) }));
  const parts = frameParts(count);
  let length = parts.entries;
  for (const { plan } of plans) length += plan.length;
  const bytes = Buffer.allocUnsafe(length);
  bytes.writeUInt32BE(count, frameHeaderBytes);
  const hashes: string[] = [];
  const starts = new Uint32Array(count + 1);
  let at = parts.entries;
  plans.forEach(({ object, plan }, i) => {
    hashes.push(object.hash);
    bytes.write(object.hash, parts.names + i * 20, 20, 'hex');
    bytes.writeUInt32BE(plan.length, parts.lengths + i * 4);
    starts[i] = at;
    at = writePackEntry(bytes, at, object.type, object.body, plan);
  });
  starts[count] = at;
  return { bytes: sealFrame(bytes), hashes, starts };
}

/** Reads back a whole frame found in a log file at `at` (see `wholeFrames`); `data_loss` if it is malformed inside. */
export function decodeObjectFrame(bytes: Buffer, path: string): ObjectFrame {
  const malformed = (): GovcError => new GovcError('data_loss', `${path}: a frame of the object log is malformed`);
  if (bytes.length < frameHeaderBytes + countBytes) throw malformed();
  const count = bytes.readUInt32BE(frameHeaderBytes);
  const parts = frameParts(count);
  if (parts.entries > bytes.length) throw malformed();
  const hashes: string[] = [];
  const starts = new Uint32Array(count + 1);
  let at = parts.entries;
  for (let i = 0; i < count; i++) {
    hashes.push(bytes.toString('hex', parts.names + i * 20, parts.names + i * 20 + 20));
    starts[i] = at;
    const end = at + bytes.readUInt32BE(parts.lengths + i * 4);
    if (end > bytes.length) throw malformed();
    if (parsePackEntry(bytes.subarray(at, end)).kind !== 'whole') throw malformed();
    at = end;
  }
  if (at !== bytes.length) throw malformed();
  starts[count] = at;
  return { bytes, hashes, starts };
}

/** Lets other work run between slices of this long: a seal of 8 MiB takes ~130 ms of CPU. */
const sliceMs = 5;

/**
 * Gives the event loop a turn once the current slice of work has run `sliceMs`; `started` is
 * when the slice began. Returns when the next slice begins.
 */
async function yieldIfLong(started: number): Promise<number> {
  if (performance.now() - started < sliceMs) return started;
  await new Promise((resolve) => setImmediate(resolve));
  return performance.now();
}

/**
 * One pack of the objects in `frames`, in log order, each hash once: a frame whose objects are
 * all new here is copied in one piece; one holding an object already packed from an earlier frame
 * (concurrent writers may log an object twice) is copied entry by entry, without it. Built in
 * slices, between which other work runs.
 */
export async function packObjectFrames(frames: readonly ObjectFrame[]): Promise<BuiltPack> {
  let slice = performance.now();
  // Which entries each frame keeps: `undefined` for all of them.
  const seen = new Set<string>();
  const kept: (Uint8Array | undefined)[] = [];
  let count = 0;
  let entryBytes = 0;
  for (const { hashes, starts } of frames) {
    let keep: Uint8Array | undefined;
    for (let i = 0; i < hashes.length; i++) {
      if (seen.has(hashes[i]!)) {
        keep ??= new Uint8Array(hashes.length).fill(1);
        keep[i] = 0;
        continue;
      }
      seen.add(hashes[i]!);
      count++;
      entryBytes += starts[i + 1]! - starts[i]!;
    }
    kept.push(keep);
    slice = await yieldIfLong(slice);
  }
  const pack = newPack(12 + entryBytes + 20, count);
  const layout = newPackLayout(count);
  let at = 12;
  let next = 0;
  for (const [f, { bytes, hashes, starts }] of frames.entries()) {
    const keep = kept[f];
    if (keep === undefined) {
      bytes.copy(pack, at, starts[0], starts[hashes.length]);
      const { names, lengths } = frameParts(hashes.length);
      bytes.copy(layout.names, next * 20, names, lengths);
    }
    for (let i = 0; i < hashes.length; i++) {
      if (keep?.[i] === 0) continue;
      const length = starts[i + 1]! - starts[i]!;
      if (keep !== undefined) {
        bytes.copy(pack, at, starts[i], starts[i + 1]);
        layout.names.write(hashes[i]!, next * 20, 20, 'hex');
      }
      layout.hashes.push(hashes[i]!);
      layout.offsets[next] = at;
      layout.crcs[next] = crc32(pack.subarray(at, at + length));
      at += length;
      next++;
    }
    slice = await yieldIfLong(slice);
  }
  layout.offsets[count] = at;
  return finishPack(pack, layout);
}
