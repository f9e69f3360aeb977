import { applyRefUpdates, checkRefUpdates } from '../ref-updates.js';
import type { OutcomeRecord, RefChange, RefUpdate } from '../storage.js';
import type { DiskRepository } from './disk-repository.js';
import { writePackedRefs } from './packed-refs.js';
import type { JournalState } from './ref-journal.js';

/** Outcome records kept per repository at most, as the service's idempotency memory keeps by default. */
const maxOutcomesPerRepository = 10_000;

/**
 * Adds a step's outcome records to `kept` (a record replaces one of the same id), then drops
 * expired ones and, past the bound, the oldest (a retry then runs again, as when the service's
 * memory forgets). Returns `kept`.
 */
function keepOutcomes(kept: Map<string, OutcomeRecord>, added: readonly OutcomeRecord[], now: number): Map<string, OutcomeRecord> {
  if (added.length === 0) return kept;
  for (const outcome of added) {
    kept.delete(outcome.id);
    kept.set(outcome.id, outcome);
  }
  // Oldest first, and records expire in the order they were made.
  for (const [id, outcome] of kept) {
    if (kept.size <= maxOutcomesPerRepository && outcome.expiresAt > now) break;
    kept.delete(id);
  }
  return kept;
}

/**
 * One atomic ref step; the caller runs a repository's steps one at a time. Every update applies
 * or none (`aborted`); the changes and `outcomes` become durable in the journal, then the
 * repository's refs move, and `packed-refs` shows them to git (if that fails, the next step
 * writes it again). Returns the changes, numbered after the repository's last.
 */
export async function stepRefs(
  repo: DiskRepository,
  updates: readonly RefUpdate[],
  outcomes: readonly OutcomeRecord[],
): Promise<RefChange[]> {
  checkRefUpdates(repo.refs, updates);
  const next = new Map(repo.refs);
  const changes = applyRefUpdates(next, updates, repo.lastSeq);
  if (changes.length === 0 && outcomes.length === 0) return changes;
  const now = Date.now();
  const lastSeq = repo.lastSeq + changes.length;
  const after = (): JournalState => ({ refs: next, outcomes: keepOutcomes(new Map(repo.outcomes), outcomes, now), lastSeq });
  await repo.journal.append(changes, outcomes, after, now);
  // Durable from here on: what follows only shows the step to git.
  repo.refs = next;
  repo.lastSeq = lastSeq;
  keepOutcomes(repo.outcomes, outcomes, now);
  if (changes.length > 0 || repo.packedRefsBehind) {
    repo.packedRefsBehind = await writePackedRefs(repo.dir, next, false).then(
      () => false,
      () => true,
    );
  }
  return changes;
}
