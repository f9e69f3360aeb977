import { join, resolve } from 'node:path';
import type { ObjectLogOptions } from './object-log.js';
import type { ConsolidationOptions } from './pack-consolidation.js';
import { repoDirSuffix } from './repository-dir.js';

/** Options of `createDiskStore`. */
export interface DiskStoreOptions {
  /**
   * The data directory: `repos/<name>.git` holds each repository as a bare git repository,
   * `govc.lock` keeps a second store off it. Created if missing. Required: durable data needs a
   * place the operator chose.
   */
  readonly dataDir: string;
  /** When the object log, where `putObjects` makes objects durable, is packed. Defaults: at 8 MiB, or after 200 ms without writes. */
  readonly objectLog?: ObjectLogOptions;
  /**
   * Background merging of the small packs group writes leave. Defaults: look every 8 packs once
   * writes pause for 500 ms, merge once 16 packs under 8 MiB are there, at most 64 MiB at a time.
   */
  readonly consolidation?: ConsolidationOptions;
}

/** {@link DiskStoreOptions} resolved once: the data directory's paths, every option set. */
export interface ResolvedDiskStoreOptions {
  /** The data directory, absolute. */
  readonly dataDir: string;
  /** Where each repository's directory lives, `<dataDir>/repos`. */
  readonly reposDir: string;
  /** Where a new repository is built before it is renamed into `reposDir`; start-up empties it. */
  readonly tempDir: string;
  /** Where a deleted repository goes before its files are removed; start-up empties it. */
  readonly trashDir: string;
  /** As given, `{}` when left out: the object log applies its own defaults. */
  readonly objectLog: ObjectLogOptions;
  /** As given, `{}` when left out: the consolidator applies its own defaults. */
  readonly consolidation: ConsolidationOptions;
}

/** Resolves the options once, at the store's boundary. */
export function resolveDiskStoreOptions(options: DiskStoreOptions): ResolvedDiskStoreOptions {
  const dataDir = resolve(options.dataDir);
  return {
    dataDir,
    reposDir: join(dataDir, 'repos'),
    tempDir: join(dataDir, 'tmp'),
    trashDir: join(dataDir, 'trash'),
    objectLog: options.objectLog ?? {},
    consolidation: options.consolidation ?? {},
  };
}

/** The directory of the repository `name`. */
export function repositoryPath(options: ResolvedDiskStoreOptions, name: string): string {
  return join(options.reposDir, `${name}${repoDirSuffix}`);
}
