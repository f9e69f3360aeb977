import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirectory } from './durable-file.js';
import type { ObjectDirs } from './loose-object-files.js';
import { readPackedObject, writePack, type PackedObjects } from './packed-objects.js';
import { copyPackEntries, encodePackEntry, parsePackEntry, readPackIndex, type PackEntry, type RawPackEntry } from './pack-file.js';

/** When and how much to consolidate; see {@link createPackConsolidator}. */
export interface ConsolidationOptions {
  /** Look at the pack directory after this many packs were written. Default 8. */
  readonly checkEvery?: number;
  /**
   * …once the repository has had no new pack for this long, ms, so that merging does not take
   * the CPU from a burst of writes; after `checkEvery` × 16 packs without such a pause it looks
   * anyway. Default 500 ms; 0 looks at once.
   */
  readonly quietMs?: number;
  /** Merge once at least this many small packs are there. Default 16. */
  readonly minPacks?: number;
  /** A pack under this many bytes is small. Default 8 MiB. */
  readonly smallPackBytes?: number;
  /** At most this many bytes of packs merged at once: the objects pass through memory. Default 64 MiB. */
  readonly maxBytes?: number;
}

/** Files git may keep beside a pack, named like it. */
const packCompanions = ['.bitmap', '.rev', '.mtimes', '.promisor'];

/** Looks postponed for want of a pause before one happens anyway (16 × `checkEvery` packs). */
const maxLooksPostponed = 16;

/** Merges a repository's small packs in the background; see {@link createPackConsolidator}. */
export interface PackConsolidator {
  /** Tells it a pack was written; now and then this starts a consolidation, not awaited. */
  packWritten(): void;
  /** Drops a look still waiting for quiet and resolves once no consolidation runs (`close()`, delete). */
  idle(): Promise<void>;
}

interface SmallPack {
  readonly pack: string;
  readonly index: string;
  readonly bytes: number;
}

async function smallPacks(packDir: string, smallPackBytes: number): Promise<SmallPack[]> {
  const names = new Set(await readdir(packDir));
  const found: SmallPack[] = [];
  for (const name of names) {
    if (!/^pack-[0-9a-f]{40}\.pack$/.test(name)) continue;
    const index = name.replace(/\.pack$/, '.idx');
    // A `.keep` file asks for a pack to be left as it is (git repack honours it too).
    if (!names.has(index) || names.has(name.replace(/\.pack$/, '.keep'))) continue;
    const { size } = await stat(join(packDir, name));
    if (size < smallPackBytes) found.push({ pack: join(packDir, name), index: join(packDir, index), bytes: size });
  }
  return found.sort((a, b) => a.bytes - b.bytes);
}

/**
 * Background consolidation of the small packs that group commit leaves (one per write group):
 * once `minPacks` small ones of similar size are there (see the geometric rule below), up to
 * `maxBytes` of them are read, their objects that the
 * repository still finds in them are written as one new pack (durable, as any group), the
 * in-memory index moves to it, and only then are the old `.idx` and `.pack` removed (index first,
 * so git never sees a pack without one). A crash in between leaves objects in two packs, which
 * git and the store's start-up accept. A reader that took an entry of a removed pack retries
 * with the index's current entry (see `readPackedWithRetry`). One consolidation runs at a time.
 */
export function createPackConsolidator(
  dirs: ObjectDirs,
  packed: PackedObjects,
  options: ConsolidationOptions,
  onError: (error: unknown) => void,
): PackConsolidator {
  const checkEvery = options.checkEvery ?? 8;
  const quietMs = options.quietMs ?? 500;
  const minPacks = options.minPacks ?? 16;
  const smallPackBytes = options.smallPackBytes ?? 8 * 1024 * 1024;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const packDir = join(dirs.objects, 'pack');
  let written = 0;
  let due = 0;
  let running: Promise<void> | undefined;
  let quiet: NodeJS.Timeout | undefined;

  function start(): void {
    clearTimeout(quiet);
    quiet = undefined;
    due = 0;
    if (running) return;
    running = consolidate()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  }

  async function consolidate(): Promise<void> {
    const chosen: SmallPack[] = [];
    let total = 0;
    // Geometric, smallest first: a pack more than twice the size of all smaller ones together
    // stays (and so do the larger ones after it), so a merged pack is rewritten only once the
    // new ones add up to half of it — each object is copied O(log n) times, not at every merge.
    for (const candidate of await smallPacks(packDir, smallPackBytes)) {
      if (total + candidate.bytes > maxBytes || (chosen.length >= 2 && candidate.bytes > 2 * total)) break;
      chosen.push(candidate);
      total += candidate.bytes;
    }
    if (chosen.length < minPacks) return;
    const entries: RawPackEntry[] = [];
    const hashesOf = new Map<string, string[]>();
    for (const { pack, index, bytes } of chosen) {
      const inPack = new Map<string, PackEntry>();
      readPackIndex(await readFile(index), pack, bytes, inPack);
      hashesOf.set(pack, [...inPack.keys()]);
      // Small packs are read whole, once: not one open and read per object.
      const content = await readFile(pack);
      for (const [hash, entry] of inPack) {
        // Only what the repository still reads from this pack; a later group may hold a copy.
        if (packed.get(hash)?.pack !== pack) continue;
        let bytes: Buffer = content.subarray(entry.offset, entry.end);
        // A delta (in a pack git wrote) may name its base by where it lies: stored whole instead.
        if (parsePackEntry(bytes).kind !== 'whole') {
          const object = await readPackedObject(entry, packed);
          bytes = encodePackEntry(object.type, object.body);
        }
        entries.push({ hash, bytes });
      }
    }
    // Packs whose objects all live on elsewhere just go.
    if (entries.length > 0) await writePack(dirs, copyPackEntries(entries), packed);
    for (const { pack, index } of chosen) {
      // A pack the repository still reads from stays: the merge rebuilt it byte for byte (the
      // same objects make the same pack), or a writer named it since (the same name again).
      if (hashesOf.get(pack)!.some((hash) => packed.get(hash)?.pack === pack)) continue;
      await rm(index, { force: true });
      await rm(pack, { force: true });
      // What git keeps beside a pack it wrote (bitmap, reverse index, …) goes with it.
      for (const extra of packCompanions) await rm(pack.replace(/\.pack$/, extra), { force: true });
    }
    await fsyncDirectory(packDir);
  }

  return {
    packWritten() {
      written++;
      if (written % checkEvery === 0) due++;
      if (due === 0) return;
      if (quietMs === 0 || due >= maxLooksPostponed) return start();
      clearTimeout(quiet);
      quiet = setTimeout(start, quietMs);
      quiet.unref();
    },
    async idle() {
      // A look still waiting for quiet is dropped: closing should not start a merge.
      clearTimeout(quiet);
      quiet = undefined;
      await running;
    },
  };
}
