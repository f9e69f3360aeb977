import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, createInProcessTransport, type GovcClient, type RefEvent } from '@govc/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiskStore, createGovcService, createMemoryStore, type Storage } from '../../src/index.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Where the repository's change numbering stands now (a client learns it from the events it sees). */
async function position(store: Storage): Promise<number> {
  return (await store.refHistory('r', 0)).lastSeq;
}

/** One life of a server: a service on `store` and a client of it, ended by `stop` (or by the test's end). */
async function life(store: Storage): Promise<{ client: GovcClient; stop: () => Promise<void> }> {
  const service = createGovcService({ store });
  const transport = createInProcessTransport(service);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await transport.close();
    await service.close();
  };
  cleanups.push(stop);
  return { client: createClient(transport), stop };
}

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'govc-watch-restart-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Moves `refs/heads/main` to a new commit and returns the new hash. */
async function move(client: GovcClient, message: string): Promise<string> {
  const { hash } = await client.commit({
    repo: 'r',
    branch: 'main',
    message,
    author: { name: 'Ada', email: 'ada@example.com' },
    changes: [{ path: 'f', content: new TextEncoder().encode(message) }],
  });
  return hash;
}

/** The first `count` events of a watch from `sinceSeq`, within a bounded wait. */
async function events(client: GovcClient, sinceSeq: number, count: number): Promise<RefEvent[]> {
  const seen: RefEvent[] = [];
  for await (const event of client.watchRefs({ repo: 'r', sinceSeq }, { deadline: Date.now() + 2_000 })) {
    seen.push(event);
    if (seen.length === count) break;
  }
  return seen;
}

/** Waits (bounded) until the clock has moved on by `ms`: what a process restart takes at the least. */
async function clockPasses(ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (let i = 0; i < 100 && Date.now() < until; i++) await new Promise((resolve) => setTimeout(resolve, ms));
}

describe('WatchRefs resumes across a restart', () => {
  it('with --data-dir: numbers go on, and a resume hears of the changes made before and after the restart', async () => {
    const dir = await dataDir();
    const store = await createDiskStore({ dataDir: dir });
    const first = await life(store);
    await first.client.createRepository({ repo: 'r' });
    const start = await position(store);
    const c1 = await move(first.client, 'one');
    const [e1] = await events(first.client, start, 1);
    expect(e1).toMatchObject({ newHash: c1 });
    const c2 = await move(first.client, 'two');
    await first.stop();

    const second = await life(await createDiskStore({ dataDir: dir }));
    const c3 = await move(second.client, 'three');
    const resumed = await events(second.client, e1!.seq, 2);
    expect(resumed).toEqual([
      { seq: e1!.seq + 1, name: 'refs/heads/main', oldHash: c1, newHash: c2 },
      { seq: e1!.seq + 2, name: 'refs/heads/main', oldHash: c2, newHash: c3 },
    ]);
  });

  it('with --data-dir: a number from before the journal compacted is out_of_range, never a silent gap', async () => {
    const dir = await dataDir();
    const store = await createDiskStore({ dataDir: dir });
    const first = await life(store);
    await first.client.createRepository({ repo: 'r' });
    const start = await position(store);
    await move(first.client, 'one');
    const [e1] = await events(first.client, start, 1);
    // Big outcome records (kept with ref steps) take the journal past its 4 MiB compaction mark.
    const data = new Uint8Array(600 * 1024);
    for (let i = 0; i < 9; i++) await store.updateRefs('r', [], [{ id: `k${i}`, expiresAt: Date.now() + 60_000, data }]);
    await move(first.client, 'two');
    await first.stop();

    const second = await life(await createDiskStore({ dataDir: dir }));
    expect((await second.client.listRefs({ repo: 'r' })).refs).toHaveLength(1);
    await expect(events(second.client, e1!.seq, 1)).rejects.toMatchObject({ code: 'out_of_range' });
    // What the journal kept after its snapshot still serves a resume, numbered on.
    const three = await move(second.client, 'three');
    expect((await events(second.client, e1!.seq + 1, 1))[0]).toMatchObject({ seq: e1!.seq + 2, newHash: three });
  });

  it('in memory: a resume from the process before is out_of_range, however many changes the new one made', async () => {
    const store = createMemoryStore();
    const first = await life(store);
    await first.client.createRepository({ repo: 'r' });
    const start = await position(store);
    for (const message of ['one', 'two', 'three']) await move(first.client, message);
    const [, e2] = await events(first.client, start, 2);
    await first.stop();
    await clockPasses(2);

    const secondStore = createMemoryStore();
    const second = await life(secondStore);
    await second.client.createRepository({ repo: 'r' });
    const secondStart = await position(secondStore);
    for (const message of ['a', 'b', 'c', 'd', 'e']) await move(second.client, message);
    await expect(events(second.client, e2!.seq, 1)).rejects.toMatchObject({ code: 'out_of_range' });
    await expect(events(second.client, Number.MAX_SAFE_INTEGER, 1)).rejects.toMatchObject({ code: 'out_of_range' });
    // Its own numbers resume as ever.
    const [f1] = await events(second.client, secondStart, 1);
    expect((await events(second.client, f1!.seq, 1))[0]!.seq).toBe(f1!.seq + 1);
  });

  it.each(['memory', 'disk'] as const)('a repository deleted and made again (%s) does not take up its earlier numbers', async (kind) => {
    const store = kind === 'memory' ? createMemoryStore() : await createDiskStore({ dataDir: await dataDir() });
    const { client } = await life(store);
    await client.createRepository({ repo: 'r' });
    const start = await position(store);
    for (let i = 0; i < 5; i++) await move(client, `old ${i}`);
    const [e1] = await events(client, start, 1);
    await client.deleteRepository({ repo: 'r' });
    await client.createRepository({ repo: 'r' });
    for (let i = 0; i < 5; i++) await move(client, `new ${i}`);
    await expect(events(client, e1!.seq, 1)).rejects.toMatchObject({ code: 'out_of_range' });
  });
});
