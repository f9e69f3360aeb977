import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashObject } from '../../../src/objects/hash.js';
import { wholeFrames } from '../../../src/store/disk/log-frames.js';
import { ObjectLog, type ObjectLogOptions } from '../../../src/store/disk/object-log.js';
import { loadPackedObjects, readPackedObject, readPackedWithRetry, type PackedObjects } from '../../../src/store/disk/packed-objects.js';
import type { NewObject } from '../../../src/store/storage.js';
import { createGitSandbox, type GitSandbox } from '../../objects/git-sandbox.js';
import { useDiskFixture } from './disk-fixture.js';

const { objectDirs } = useDiskFixture('govc-object-log-');
let sandbox: GitSandbox;
beforeAll(() => {
  sandbox = createGitSandbox();
});
afterAll(() => sandbox.remove());

const blob = (body: Uint8Array): NewObject => ({ hash: hashObject('blob', body), type: 'blob', body });
// Small ones stored, large ones deflated: both kinds of pack entry.
const group = (): NewObject[] => [blob(randomBytes(40)), blob(randomBytes(2_000)), blob(new Uint8Array(0))];

/** A repository directory as the store lays it out, with its object log open. */
async function openLog(repoDir: string, options: ObjectLogOptions = {}, packed: PackedObjects = new Map()) {
  const objectDirs = { objects: join(repoDir, 'objects'), temp: join(repoDir, 'govc-tmp') };
  let seals = 0;
  // Sealed only when a test says so, unless it asks otherwise.
  const log = await ObjectLog.open(repoDir, objectDirs, packed, { quietMs: 60_000, ...options }, () => seals++);
  return { log, packed, objectDirs, seals: () => seals };
}

async function logFiles(repoDir: string): Promise<string[]> {
  return (await readdir(join(repoDir, 'govc-log'))).map((name) => join(repoDir, 'govc-log', name));
}

async function packs(repoDir: string): Promise<string[]> {
  return (await readdir(join(repoDir, 'objects', 'pack'))).filter((name) => name.endsWith('.pack'));
}

async function expectReadable(packed: PackedObjects, objects: readonly NewObject[]): Promise<void> {
  for (const object of objects) {
    const entry = packed.get(object.hash);
    expect(entry, object.hash).toBeDefined();
    const read = await readPackedWithRetry(packed, object.hash, entry!, readPackedObject);
    expect(Buffer.from(read.body).equals(Buffer.from(object.body))).toBe(true);
  }
}

describe('the object log', () => {
  it('makes a group readable at once from the log, and a seal moves it into a pack and removes the log', async () => {
    const { repoDir } = await objectDirs();
    const { log, packed, seals } = await openLog(repoDir);
    const objects = group();
    await log.append([...objects, objects[0]!]);
    const [file] = await logFiles(repoDir);
    expect(packed.get(objects[0]!.hash)!.pack).toBe(file);
    await expectReadable(packed, objects);
    const before = packed.get(objects[1]!.hash)!;

    await log.seal();
    expect(await logFiles(repoDir)).toEqual([]);
    expect(await packs(repoDir)).toHaveLength(1);
    expect(seals()).toBe(1);
    expect(packed.get(objects[1]!.hash)!.pack).toMatch(/pack-[0-9a-f]{40}\.pack$/);
    // A reader that looked the entry up before the seal finds the object in the pack.
    const read = await readPackedWithRetry(packed, objects[1]!.hash, before, readPackedObject);
    expect(Buffer.from(read.body).equals(Buffer.from(objects[1]!.body))).toBe(true);
    await log.close();
    // What the pack holds is what a fresh start reads from its index.
    const reloaded = await loadPackedObjects({ objects: join(repoDir, 'objects'), temp: join(repoDir, 'govc-tmp') });
    await expectReadable(reloaded, objects);
  });

  it('packs at start-up what a crash left in the log, dropping a torn last frame', async () => {
    const { repoDir } = await objectDirs();
    const crashed = await openLog(repoDir);
    const first = group();
    const second = group();
    const third = group();
    await crashed.log.append(first);
    await crashed.log.append(second);
    await crashed.log.append(third);
    // No close: the process died here. Its last frame is torn, as a crash mid-write leaves it.
    const [file] = await logFiles(repoDir);
    await truncate(file!, (await stat(file!)).size - 10);
    expect([...wholeFrames(await readFile(file!))]).toHaveLength(2);
    // A log file created just before the crash, never written.
    await writeFile(join(repoDir, 'govc-log', 'objects-0123456789abcdef.log'), '');

    const restarted = await openLog(repoDir);
    expect(await logFiles(repoDir)).toEqual([]);
    expect(await packs(repoDir)).toHaveLength(1);
    await expectReadable(restarted.packed, [...first, ...second]);
    // (The empty blob, in every group, came with the whole frames.)
    for (const object of third.slice(0, 2)) expect(restarted.packed.has(object.hash)).toBe(false);
    await restarted.log.close();
    await crashed.log.abandon();
  });

  it('stops at zeros past its last whole frame, as a crash may leave where the file grew', async () => {
    const { repoDir } = await objectDirs();
    const crashed = await openLog(repoDir);
    const objects = group();
    await crashed.log.append(objects);
    await crashed.log.abandon();
    const [file] = await logFiles(repoDir);
    await appendFile(file!, Buffer.alloc(4096));
    const restarted = await openLog(repoDir);
    await expectReadable(restarted.packed, objects);
    await restarted.log.close();
  });

  it('seals on its own once it holds sealBytes, and once writes pause for quietMs', async () => {
    const bySize = await openLog((await objectDirs()).repoDir, { sealBytes: 1 });
    await bySize.log.append(group());
    await bySize.log.seal(); // runs after the seal the append started
    expect(bySize.seals()).toBe(1);
    await bySize.log.close();

    const { repoDir } = await objectDirs();
    const byPause = await openLog(repoDir, { quietMs: 10 });
    await byPause.log.append(group());
    // Bounded: 200 looks, 10 ms apart.
    for (let look = 0; look < 200 && byPause.seals() === 0; look++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(byPause.seals()).toBe(1);
    await byPause.log.seal();
    expect(await logFiles(repoDir)).toEqual([]);
    await byPause.log.close();
  });

  it('lets seal calls made while one runs share the next, which packs what was logged before them', async () => {
    const { repoDir } = await objectDirs();
    const { log, packed } = await openLog(repoDir);
    const first = group();
    await log.append(first);
    const running = log.seal();
    const second = group();
    await log.append(second);
    const [a, b, c] = [log.seal(), log.seal(), log.seal()];
    expect(b).toBe(a);
    expect(c).toBe(a);
    await Promise.all([running, a]);
    expect(await logFiles(repoDir)).toEqual([]);
    for (const object of [...first, ...second]) expect(packed.get(object.hash)!.pack).toMatch(/pack-[0-9a-f]{40}\.pack$/);
    await log.close();
  });

  it('fails only the write that failed, and the next one goes to a new file', async () => {
    const { repoDir } = await objectDirs();
    const { log, packed } = await openLog(repoDir);
    // The log directory vanishes and a file takes its name: the next log file cannot be created.
    await rm(join(repoDir, 'govc-log'), { recursive: true });
    await writeFile(join(repoDir, 'govc-log'), 'in the way');
    const lost = group();
    await expect(log.append(lost)).rejects.toMatchObject({ code: 'ENOTDIR' });
    for (const object of lost) expect(packed.has(object.hash)).toBe(false);

    await rm(join(repoDir, 'govc-log'));
    await mkdir(join(repoDir, 'govc-log'));
    const kept = group();
    await log.append(kept);
    await expectReadable(packed, kept);
    await log.close();
    expect(await packs(repoDir)).toHaveLength(1);
    await expectReadable(packed, kept);
  });

  it('packs an object logged twice (by concurrent writers) once, in a pack git verifies', async () => {
    const { repoDir } = await objectDirs();
    const { log, packed } = await openLog(repoDir);
    const [x, y, z] = group();
    await log.append([x!, y!]);
    await log.append([y!, z!]);
    await log.append([z!]);
    await log.close();
    const [pack] = await packs(repoDir);
    const verified = sandbox.run(['verify-pack', '-v', join(repoDir, 'objects', 'pack', pack!)]);
    expect(verified.status, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('non delta: 3 objects');
    await expectReadable(packed, [x!, y!, z!]);
  });

  it('holds writes back once it holds too much it cannot pack, and takes them again once it can', async () => {
    const { repoDir } = await objectDirs();
    const { log, packed } = await openLog(repoDir, { maxUnsealedBytes: 1 });
    const packDir = join(repoDir, 'objects', 'pack');
    // Packs cannot be written: the pack directory is a file.
    await rm(packDir, { recursive: true });
    await writeFile(packDir, 'in the way');
    const first = group();
    await log.append(first); // under the bound: logged
    await expect(log.append(group())).rejects.toMatchObject({ code: 'resource_exhausted' });
    await expectReadable(packed, first);
    await rm(packDir);
    await mkdir(packDir);
    const second = group();
    await log.append(second); // the seal it waits for now packs the first group
    expect(await packs(repoDir)).toHaveLength(1);
    await log.close();
    await expectReadable(packed, [...first, ...second]);
  });

  it('refuses a whole frame whose inside is malformed, as data loss, at start-up', async () => {
    const { repoDir } = await objectDirs();
    const { log } = await openLog(repoDir);
    await log.append(group());
    await log.abandon();
    const [file] = await logFiles(repoDir);
    const bytes = await readFile(file!);
    // A frame whose CRC checks out but which claims more objects than it holds.
    const payload = Buffer.from(bytes.subarray(8));
    payload.writeUInt32BE(0xffffff, 0);
    const { crc32 } = await import('node:zlib');
    const frame = Buffer.alloc(8);
    frame.writeUInt32BE(payload.length, 0);
    frame.writeUInt32BE(crc32(payload), 4);
    await writeFile(file!, Buffer.concat([frame, payload]));
    await expect(openLog(repoDir)).rejects.toMatchObject({ code: 'data_loss' });
  });
});
