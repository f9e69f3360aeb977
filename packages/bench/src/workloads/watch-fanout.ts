import type { GovcClient } from '@govc/core';
import { RefSubscriber } from './ref-subscriber.js';
import type { PreparedWorkload, Workload } from './workload.js';

const subscribers = 100;
const prefix = 'refs/heads/';
const ref = 'refs/heads/fanout';
/** The bound on every wait: an op, the subscriptions coming up, their closing. */
const waitMs = 10_000;
/** How long the probe waits for each of its changes before it makes another. */
const probeMs = 200;
const author = { name: 'Bench', email: 'bench@example.com', time: 1_700_000_000 };

/** Whether `promise` settles within `ms` (it is left to run either way). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function twoCommits(client: GovcClient, repo: string): Promise<[string, string]> {
  const commit = async (text: string): Promise<string> => {
    const changes = [{ path: 'fanout.txt', content: new TextEncoder().encode(text) }];
    return (await client.commit({ repo, branch: 'main', message: text, author, changes })).hash;
  };
  return [await commit('fan-out a'), await commit('fan-out b')];
}

/**
 * A sequence number from before the fan-out, for its subscriptions to replay from, so that none
 * misses a change for opening late (the store numbers changes its own way, so 0 is no start). A
 * probe subscription is live once it sees a change: create a fresh ref every 200 ms until it does.
 */
async function replayPoint(client: GovcClient, repo: string, hash: string): Promise<number> {
  const probe = new RefSubscriber(client, repo, prefix, ref);
  try {
    for (let attempt = 0; attempt * probeMs < waitMs; attempt++) {
      const name = `${prefix}probe-${attempt}`;
      await client.updateRef({ repo, name, newHash: hash, expectedOldHash: '' }, { signal: AbortSignal.timeout(waitMs) });
      await settlesWithin(probe.heardAny(), probeMs);
      if (probe.failure !== undefined) throw new Error(`the probe subscription failed: ${String(probe.failure)}`);
      const first = probe.events[0];
      if (first) return first.seq - 1;
    }
    throw new Error(`a WatchRefs subscription saw no change within ${waitMs / 1000} s`);
  } finally {
    await probe.close(waitMs);
  }
}

/** Throws unless `subscriber` saw `expected` (the ref's hashes in order) as moves, with seq strictly increasing over all its events. */
function checkOrder(subscriber: RefSubscriber, expected: readonly string[], which: number): void {
  for (let at = 1; at < subscriber.events.length; at++) {
    const [before, after] = [subscriber.events[at - 1]!.seq, subscriber.events[at]!.seq];
    if (after <= before) throw new Error(`subscriber ${which} saw seq ${after} after ${before}`);
  }
  const seen = subscriber.moves.map((event) => event.newHash);
  if (seen.length !== expected.length || seen.some((hash, at) => hash !== expected[at]))
    throw new Error(`subscriber ${which} saw ${ref} move to ${seen.length} hashes, not the ${expected.length} sent, in order`);
}

/**
 * WatchRefs fan-out: 100 subscriptions on `refs/heads/` through the target's client, then each op
 * one UpdateRef (compare-and-swap) moving `refs/heads/fanout` between two commits, timed until
 * the last subscriber has seen it. Every wait is bounded at 10 s, and a fan-out that does not
 * come up fails the cell: HTTP/1.1 holds a connection per open stream, so it needs a pool of more
 * than 100 connections (the http1 target's 64 cannot hold the subscriptions). The workload closes
 * its subscriptions itself at the end of `verifyState` and on every failure.
 */
export function watchFanoutWorkload(ops: Workload['ops']): Workload {
  return {
    name: `watch-fanout-${subscribers}`,
    about:
      `UpdateRef of one branch, timed until all ${subscribers} WatchRefs subscribers have seen it, one at a time ` +
      `(HTTP/1.1 needs a pool of more than ${subscribers} connections: one per open stream)`,
    concurrency: 1,
    ops,
    itemsPerOp: 1,
    everyVariant: false,
    async prepare(client, repo): Promise<PreparedWorkload> {
      const [a, b] = await twoCommits(client, repo);
      const sinceSeq = await replayPoint(client, repo, a);
      await client.updateRef({ repo, name: ref, newHash: a, expectedOldHash: '' });
      const moves = [a];
      const watchers = Array.from({ length: subscribers }, () => new RefSubscriber(client, repo, prefix, ref, sinceSeq));
      const close = async (): Promise<void> => {
        await Promise.all(watchers.map((watcher) => watcher.close(waitMs)));
      };
      /** Waits until every subscriber has seen `moves`; past the bound or on a broken stream, closes them all and throws. */
      const allSeen = async (what: string): Promise<void> => {
        const arrived = await settlesWithin(Promise.all(watchers.map((watcher) => watcher.seen(moves.length))), waitMs);
        const broken = watchers.findIndex((watcher) => watcher.failure !== undefined);
        const behind = watchers.filter((watcher) => watcher.moves.length < moves.length).length;
        if (arrived && broken < 0) return;
        await close();
        if (broken >= 0) throw new Error(`${what}: subscriber ${broken}'s stream failed: ${String(watchers[broken]!.failure)}`);
        throw new Error(`${what}: ${behind} of ${subscribers} subscribers had not seen it within ${waitMs / 1000} s`);
      };
      await allSeen(`the ${subscribers} subscriptions did not all come up (HTTP/1.1 needs a pool of more than ${subscribers} connections)`);
      return {
        async op() {
          const from = moves.at(-1)!;
          const to = from === a ? b : a;
          try {
            await client.updateRef({ repo, name: ref, newHash: to, expectedOldHash: from }, { signal: AbortSignal.timeout(waitMs) });
          } catch (error) {
            await close();
            throw error;
          }
          moves.push(to);
          await allSeen(`the move of ${ref} to ${to}`);
          const count = moves.length;
          return () => {
            for (const [which, watcher] of watchers.entries())
              if (watcher.moves[count - 1]?.newHash !== to)
                throw new Error(`subscriber ${which}'s move ${count} of ${ref} is not to ${to}`);
          };
        },
        async verifyState() {
          try {
            for (const [which, watcher] of watchers.entries()) checkOrder(watcher, moves, which);
            const { refs } = await client.listRefs({ repo, prefix: ref });
            const at = refs.find((candidate) => candidate.name === ref)?.hash;
            if (at !== moves.at(-1)) throw new Error(`${ref} is at ${at}, not at the last move ${moves.at(-1)}`);
          } finally {
            await close();
          }
        },
        close,
      };
    },
  };
}
