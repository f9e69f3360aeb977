import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createDiskStore, type DiskStoreOptions } from '../../../src/store/disk/create-disk-store.js';
import type { ObjectDirs } from '../../../src/store/disk/loose-object-files.js';
import type { Storage } from '../../../src/store/storage.js';

/** Temp data directories and disk stores for one test file, undone in reverse after each test. */
export interface DiskFixture {
  /** Runs `cleanup` after the current test, before what was deferred earlier. */
  defer(cleanup: () => Promise<unknown>): void;
  /** A new empty directory, removed after the test. */
  dataDir(): Promise<string>;
  /** A disk store on `dir`, closed after the test. */
  open(dir: string, options?: Omit<DiskStoreOptions, 'dataDir'>): Promise<Storage>;
  /** A new repository directory's object directories, as the store lays them out (`objects/pack`, `govc-tmp`); removed after the test. */
  objectDirs(): Promise<ObjectDirs & { readonly repoDir: string }>;
}

/** Registers the `afterEach` that undoes what the file's tests made; call once per test file. */
export function useDiskFixture(prefix = 'govc-disk-'): DiskFixture {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const fixture: DiskFixture = {
    defer(cleanup) {
      cleanups.push(cleanup);
    },
    async dataDir() {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      fixture.defer(() => rm(dir, { recursive: true, force: true }));
      return dir;
    },
    async open(dir, options = {}) {
      const store = await createDiskStore({ ...options, dataDir: dir });
      fixture.defer(() => store.close());
      return store;
    },
    async objectDirs() {
      const repoDir = await fixture.dataDir();
      const dirs = { repoDir, objects: join(repoDir, 'objects'), temp: join(repoDir, 'govc-tmp') };
      await mkdir(join(dirs.objects, 'pack'), { recursive: true });
      await mkdir(dirs.temp);
      return dirs;
    },
  };
  return fixture;
}
