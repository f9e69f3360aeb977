/**
 * The in-process cost of the client stack, next to a bare async call measured in the same run.
 *
 *   npm run bench                 (from the repository root: builds, then runs every bench)
 *   pnpm --filter @govc/service bench
 *
 * Rows: StoreBlob of 46 unique bytes per call (each call stores a new blob, so no row can skip
 * the hashing and copying), sequential, through the typed client with no middleware and with
 * the full stack (metrics, deadline, retry, batching); and the per-op cost inside 100-op
 * batches, sent directly as BatchOperations and formed by the batching middleware from 100
 * concurrent calls. Each round runs on a fresh service, so no row pays for another's heap.
 * After the clock stops, every response is checked against the hash computed here and the
 * store must hold exactly the blobs the round stored. Targets (issue 2): ≤ 10 µs per call,
 * ≤ 3 µs per batched op.
 */
import { createHash } from 'node:crypto';
import { batching, createClient, createInProcessTransport, deadline, metrics, retry, type GovcClient, type Middleware } from '@govc/core';
import { createGovcService, type GovcService } from '@govc/service';

const payloadBytes = 46;
const calls = Number(process.env.BENCH_CALLS ?? 50_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const batchSize = 100;
const repo = 'bench';
let unique = 0;

/** 46 bytes that no other call of this run stores. */
function uniquePayload(): Uint8Array {
  const bytes = new TextEncoder().encode(`govc bench payload ${String(unique++).padStart(12, '0')} `.padEnd(payloadBytes, '.'));
  if (bytes.byteLength !== payloadBytes) throw new Error('payload size drifted');
  return bytes;
}

function gitHash(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

interface World {
  readonly service: GovcService;
  readonly plain: GovcClient;
  readonly full: GovcClient;
}

async function newWorld(): Promise<World> {
  const service = createGovcService();
  const transport = createInProcessTransport(service);
  const fullStack: Middleware[] = [metrics({ onEnd: () => undefined }), deadline({ timeoutMs: 30_000 }), retry(), batching()];
  const plain = createClient(transport);
  await plain.createRepository({ repo });
  return { service, plain, full: createClient(transport, { middleware: fullStack }) };
}

let verified = 0;

/** Checks every hash, then that the store holds exactly these blobs. */
async function verify(world: World, contents: Uint8Array[], hashes: string[]): Promise<void> {
  contents.forEach((content, i) => {
    if (gitHash(content) !== hashes[i]) throw new Error(`wrong hash ${hashes[i]}`);
  });
  let stored = 0;
  for await (const _ of world.service.store.objectHashes(repo)) stored++;
  if (stored !== contents.length) throw new Error(`store holds ${stored} objects, expected ${contents.length}`);
  const { present } = await world.plain.hasObjects({ repo, hashes: hashes.slice(0, 10_000) });
  if (!present.every(Boolean)) throw new Error('a stored blob is missing');
  verified += contents.length;
}

/** Best-of-`rounds` ns per item of `body` over `count` fresh payloads, each round on a fresh service. */
async function measure(count: number, body: (world: World, contents: Uint8Array[]) => Promise<string[]>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    const world = await newWorld();
    const contents = Array.from({ length: count }, uniquePayload);
    const started = process.hrtime.bigint();
    const hashes = await body(world, contents);
    best = Math.min(best, Number(process.hrtime.bigint() - started) / count);
    await verify(world, contents, hashes);
    await world.service.close();
  }
  return best;
}

async function bareAsync(value: number): Promise<number> {
  return value + 1;
}

async function measureBare(): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    let sum = 0;
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) sum += await bareAsync(i);
    best = Math.min(best, Number(process.hrtime.bigint() - started) / calls);
    if (sum !== (calls * (calls + 1)) / 2) throw new Error('bare loop miscounted');
  }
  return best;
}

async function oneByOne(client: GovcClient, contents: Uint8Array[]): Promise<string[]> {
  const hashes: string[] = [];
  for (const content of contents) hashes.push((await client.storeBlob({ repo, content })).hash);
  return hashes;
}

async function directBatches(client: GovcClient, contents: Uint8Array[]): Promise<string[]> {
  const hashes: string[] = [];
  for (let at = 0; at < contents.length; at += batchSize) {
    const { results } = await client.batchOperations({
      repo,
      operations: contents.slice(at, at + batchSize).map((content, id) => ({ id: String(id), method: 'StoreBlob', request: { content } })),
    });
    for (const result of results) hashes.push((result.response as { hash: string }).hash);
  }
  return hashes;
}

async function concurrentBatches(client: GovcClient, contents: Uint8Array[]): Promise<string[]> {
  const hashes: string[] = [];
  for (let at = 0; at < contents.length; at += batchSize) {
    const stored = await Promise.all(contents.slice(at, at + batchSize).map((content) => client.storeBlob({ repo, content })));
    for (const result of stored) hashes.push(result.hash);
  }
  return hashes;
}

const bare = await measureBare();
const rows: [string, number, number | undefined][] = [
  ['bare async call', bare, undefined],
  ['StoreBlob 46 B, client, no middleware', await measure(calls, (w, c) => oneByOne(w.plain, c)), 10],
  ['StoreBlob 46 B, client, full stack', await measure(calls, (w, c) => oneByOne(w.full, c)), 10],
  ['per op in 100-op BatchOperations', await measure(calls, (w, c) => directBatches(w.plain, c)), 3],
  ['per op, 100 concurrent calls via batching', await measure(calls, (w, c) => concurrentBatches(w.full, c)), 3],
];

console.log(
  `in-process client stack, Node ${process.version}, ${calls} calls per round, best of ${rounds} rounds; ${verified} responses verified`,
);
console.log(`${'row'.padEnd(46)}${'µs/op'.padStart(8)}${'vs bare'.padStart(10)}  target`);
for (const [name, ns, targetUs] of rows) {
  const us = ns / 1000;
  const verdict = targetUs === undefined ? '' : us <= targetUs ? `ok (≤ ${targetUs} µs)` : `MISSED (≤ ${targetUs} µs)`;
  console.log(`${name.padEnd(46)}${us.toFixed(2).padStart(8)}${`${(ns / bare).toFixed(0)}×`.padStart(10)}  ${verdict}`);
}
