/**
 * Issue 4's crash test: `govc serve --data-dir` in a child process, under concurrent StoreBlob,
 * Commit, UpdateRef and atomic BatchOperations from eight writers (every other round StoreBlob
 * alone and batched), is killed with SIGKILL at a random moment, six times on one directory. After each restart every acknowledged write is
 * there, a write in flight landed whole or not at all, no atomic batch shows half, every ref names
 * a complete commit, and stock git (`fsck --strict`, `log`, `cat-file`) agrees.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommitRequest, GovcClient } from '@govc/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliProcess } from './fixtures/cli-process.js';
import { checkAcknowledged, checkRefsComplete, checkWithGit, reconcileWorker } from './fixtures/crash-checks.js';
import { acknowledged, CrashWorker, runWorkers, type WorkloadMix } from './fixtures/crash-workload.js';
import { startDurableServer, within, type DurableServer } from './fixtures/durable-server.js';
import { git } from './fixtures/git-cli.js';
import { seededRandom, seedFrom } from './fixtures/seeded-random.js';

// GOVC_CRASH_SEED=<n> replays a run: the same kill delays and the same writes per worker (the
// interleaving, and so how far each worker gets, still depends on timing).
const seed = seedFrom('GOVC_CRASH_SEED');
const rounds = 6;
const workerCount = 8;
const repo = 'crash';
const author = { name: 'Crash Test', email: 'crash@test' };

const live = new Set<CliProcess>();
const dirs: string[] = [];

afterAll(async () => {
  for (const child of live) {
    child.child.kill('SIGKILL');
    await within(5_000, child.exited);
  }
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'govc-crash-'));
  dirs.push(dir);
  return dir;
}

async function refsOf(client: GovcClient, name: string): Promise<Map<string, string>> {
  const { refs } = await client.listRefs({ repo: name });
  return new Map(refs.map((ref) => [ref.name, ref.hash]));
}

/** Lets the workers write for `loadMs`, then kills the server mid-load; returns the failures seen while it was up. */
async function loadThenKill(
  server: DurableServer,
  workers: readonly CrashWorker[],
  loadMs: number,
  mix: WorkloadMix,
  acknowledgedSoFar: () => number,
): Promise<Error[]> {
  let stopped = false;
  const before = acknowledgedSoFar();
  const running = runWorkers(workers, server.client, () => stopped, mix);
  await sleep(loadMs);
  // A loaded machine may not acknowledge anything in a short window: the kill waits for the
  // first acknowledgement (at most 10 s more), so that every round checks something.
  for (let waited = 0; acknowledgedSoFar() === before && waited < 10_000; waited += 10) await sleep(10);
  stopped = true;
  await server.crash();
  return (await within(15_000, running)) ?? [new Error('the workers did not settle within 15 s of the kill')];
}

/** The first problems and how many more, so that a broken store does not flood the report. */
function firstOf(problems: readonly string[], count = 20): string[] {
  return problems.length <= count ? [...problems] : [...problems.slice(0, count), `... and ${problems.length - count} more`];
}

describe('the durable store under kill -9', () => {
  it(
    `keeps every acknowledged write and never half a batch over ${rounds} kills under load (seed ${seed})`,
    { timeout: 150_000 },
    async () => {
      const random = seededRandom(seed);
      const dir = await dataDir();
      const gitDir = join(dir, 'repos', `${repo}.git`);
      const acked = acknowledged();
      const workers = Array.from(
        { length: workerCount },
        (_, i) => new CrashWorker(i, seededRandom(seed + Math.imul(i + 1, 0x9e3779b9)), repo, acked),
      );
      let server = await startDurableServer(dir, live);
      await server.client.createRepository({ repo });
      const root = await server.client.commit({
        repo,
        branch: 'main',
        message: 'crash test root',
        author,
        changes: [{ path: 'README', content: new TextEncoder().encode('crash\n') }],
        expectedHead: '',
      });
      acked.commits.add(root.hash);
      let found = new Map<string, string>();

      for (let round = 1; round <= rounds; round++) {
        const context = `seed ${seed}, round ${round}`;
        Object.assign(acked.counts, { blob: 0, commit: 0, ref: 0, batch: 0 });
        const blobsBefore = acked.blobs.size;
        const loadMs = random.int(150, 900);
        // Every other round only stores blobs: nothing packs the object log then, so the kill
        // finds acknowledged objects in the log alone, for the restart to recover.
        const mix: WorkloadMix = round % 2 === 0 ? 'blobs' : 'mixed';
        const written = (): number => Object.values(acked.counts).reduce((sum, count) => sum + count, 0);
        const failures = await loadThenKill(server, workers, loadMs, mix, written);
        expect(
          failures.map((failure) => failure.message),
          context,
        ).toEqual([]);
        expect(written(), `${context}: no write was acknowledged before the kill`).toBeGreaterThan(0);

        // The killed server's lock is stale: the restart must take the directory over.
        server = await startDurableServer(dir, live);
        found = await refsOf(server.client, repo);
        const problems: string[] = [];
        for (const worker of workers) problems.push(...(await reconcileWorker(server.client, worker, found)));
        for (const name of found.keys()) {
          if (name !== 'refs/heads/main' && !workers.some((worker) => worker.owns(name))) problems.push(`unexpected ref ${name}`);
        }
        if (found.get('refs/heads/main') !== root.hash)
          problems.push(`refs/heads/main is ${found.get('refs/heads/main')}, not ${root.hash}`);
        problems.push(...(await checkRefsComplete(server.client, repo, found)));
        problems.push(...(await checkAcknowledged(server.client, repo, acked, [...acked.blobs.keys()].slice(blobsBefore))));
        problems.push(...(await checkWithGit(gitDir, workers, acked, found)));
        expect(firstOf(problems), context).toEqual([]);
      }

      expect(await server.stop()).toBe(0);
      expect(firstOf(await checkWithGit(gitDir, workers, acked, found)), `seed ${seed}, after a clean stop`).toEqual([]);
    },
  );

  it(
    `answers a keyed Commit retried after kill -9 with its first outcome, never a second commit (seed ${seed})`,
    { timeout: 60_000 },
    async () => {
      const random = seededRandom(seed ^ 0x5bd1e995);
      const dir = await dataDir();
      const keysRepo = 'keys';
      let server = await startDurableServer(dir, live);
      await server.client.createRepository({ repo: keysRepo });
      // Each writer commits on its own branch without expectedHead, so only the key can stop a repeat.
      const sent = Array.from({ length: 3 }, (): { request: CommitRequest; key: string; hash?: string }[] => []);
      let stopped = false;
      const running = Promise.all(
        sent.map(async function keyedWriter(calls, writer) {
          while (!stopped) {
            const n = calls.length + 1;
            const request: CommitRequest = {
              repo: keysRepo,
              branch: `k${writer}`,
              message: `k${writer} commit ${n}`,
              author,
              changes: [{ path: `k${writer}/${n}.txt`, content: new TextEncoder().encode(`k${writer} ${n} ${seed}\n`) }],
            };
            const call: { request: CommitRequest; key: string; hash?: string } = { request, key: `crash-${seed}-k${writer}-${n}` };
            calls.push(call);
            const answer = await server.client
              .commit(request, { headers: { 'idempotency-key': call.key }, deadline: Date.now() + 10_000 })
              .catch((error: Error) => error);
            if (answer instanceof Error) {
              if (!stopped) throw answer;
              return;
            }
            call.hash = answer.hash;
          }
        }),
      );
      await sleep(random.int(300, 800));
      stopped = true;
      await server.crash();
      expect(await within(15_000, running), 'the writers settle after the kill').toBeDefined();

      server = await startDurableServer(dir, live);
      const problems: string[] = [];
      for (const [writer, calls] of sent.entries()) {
        for (const call of calls) {
          const again = await server.client.commit(call.request, {
            headers: { 'idempotency-key': call.key },
            deadline: Date.now() + 10_000,
          });
          if (call.hash !== undefined && again.hash !== call.hash) {
            problems.push(
              `retry of acknowledged "${call.request.message}" (key ${call.key}) made commit ${again.hash}; the first answer was ${call.hash}`,
            );
          }
        }
        const log = await git(join(dir, 'repos', `${keysRepo}.git`), ['log', '--first-parent', '--format=%s', `refs/heads/k${writer}`]);
        const messages = log.stdout.split('\n').filter(Boolean).reverse();
        const wanted = calls.map((call) => call.request.message);
        if (messages.join('|') !== wanted.join('|')) {
          problems.push(
            `k${writer} history after retries has ${messages.length} commits, wanted each of the ${wanted.length} sent exactly once; first extra: ${messages.find((message, i) => message !== wanted[i]) ?? '-'}`,
          );
        }
      }
      expect(await server.stop()).toBe(0);
      expect(firstOf(problems), `seed ${seed}`).toEqual([]);
    },
  );
});
