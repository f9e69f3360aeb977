import { GovcError } from '@govc/core';
import type { OutcomeRecord, RefChange, RefUpdate, Storage } from '../store/storage.js';

/**
 * The refs of one repository as a method sees them. A plain call moves refs at once; the ops of
 * an atomic batch see each other's moves, which take effect together when the batch commits.
 */
export interface RefView {
  get(name: string): Promise<string | undefined>;
  list(prefix: string): Promise<{ name: string; hash: string }[]>;
  /**
   * Compare-and-swap of one or more refs, all or nothing; a stale expectation is `aborted`.
   * `outcomes` become durable in the same step (see `OpContext.durableOutcome`).
   */
  update(updates: readonly RefUpdate[], outcomes?: readonly OutcomeRecord[]): Promise<void>;
}

/** Refs that move immediately; `onChanges` hears every change that took effect. */
export function directRefView(store: Storage, repo: string, onChanges: (changes: RefChange[]) => void): RefView {
  return {
    get: (name) => store.getRef(repo, name),
    list: (prefix) => store.listRefs(repo, prefix),
    async update(updates, outcomes) {
      onChanges(await store.updateRefs(repo, updates, outcomes));
    },
  };
}

/** Refs whose moves are staged until `commit`, for atomic batches. */
export interface StagedRefView extends RefView {
  /**
   * Moves every staged ref in one atomic step, checked against what the batch first saw; the
   * outcomes staged by its ops and `outcomes` become durable in that same step.
   */
  commit(outcomes?: readonly OutcomeRecord[]): Promise<RefChange[]>;
}

export function stagedRefView(store: Storage, repo: string): StagedRefView {
  /** What each staged ref pointed at in the store when the batch first touched it (`""`: absent). */
  const base = new Map<string, string>();
  /** Each staged ref's target as the batch left it (`""`: deleted). */
  const staged = new Map<string, string>();
  /** Outcomes of the batch's ops, kept with its one ref step. */
  const stagedOutcomes: OutcomeRecord[] = [];

  async function current(name: string): Promise<string> {
    const value = staged.get(name);
    return value !== undefined ? value : ((await store.getRef(repo, name)) ?? '');
  }

  return {
    async get(name) {
      return (await current(name)) || undefined;
    },
    async list(prefix) {
      const merged = new Map((await store.listRefs(repo, prefix)).map((ref) => [ref.name, ref.hash]));
      for (const [name, hash] of staged) {
        if (!name.startsWith(prefix)) continue;
        if (hash) merged.set(name, hash);
        else merged.delete(name);
      }
      return [...merged].map(([name, hash]) => ({ name, hash })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    async update(updates, outcomes = []) {
      const seen = new Set<string>();
      for (const update of updates) {
        if (seen.has(update.name)) throw new GovcError('invalid_argument', `ref ${update.name} is updated twice in one step`);
        seen.add(update.name);
        const value = await current(update.name);
        if (value !== update.expectedOldHash) {
          throw new GovcError('aborted', `ref ${update.name} is at ${value || '(none)'}, expected ${update.expectedOldHash || '(none)'}`);
        }
      }
      for (const update of updates) {
        if (!base.has(update.name)) base.set(update.name, (await store.getRef(repo, update.name)) ?? '');
        staged.set(update.name, update.newHash);
      }
      stagedOutcomes.push(...outcomes);
    },
    async commit(outcomes = []) {
      const updates: RefUpdate[] = [];
      for (const [name, newHash] of staged) {
        const expectedOldHash = base.get(name)!;
        if (newHash !== expectedOldHash) updates.push({ name, newHash, expectedOldHash });
      }
      const kept = [...stagedOutcomes, ...outcomes];
      return updates.length === 0 && kept.length === 0 ? [] : store.updateRefs(repo, updates, kept);
    },
  };
}
