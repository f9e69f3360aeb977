/**
 * The in-process cost of the client stack, next to a bare async call measured in the same run.
 *
 *   pnpm --filter @govc/service bench        (or: npm run bench, from the repository root)
 *
 * Rows: StoreBlob of 46 unique bytes per call (each call stores a new blob, so no row can skip
 * the hashing and copying), sequential, through the typed client with no middleware and with
 * the full stack (metrics, deadline, retry, batching); and the per-op cost inside 100-op
 * batches, sent directly as BatchOperations and formed by the batching middleware from 100
 * concurrent calls. Every response is checked against the hash computed here, and the store's
 * object count is checked at the end. Targets (issue 2): ≤ 10 µs per call, ≤ 3 µs per batched op.
 */
import { createHash } from 'node:crypto';
import {
  batching,
  createClient,
  createInProcessTransport,
  deadline,
  metrics,
  retry,
  type GovcClient,
  type Middleware,
} from '@govc/core';
import { createGovcService } from '@govc/service';

const payloadBytes = 46;
const calls = Number(process.env.BENCH_CALLS ?? 200_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
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

/**
 * Runs `body` over `count` prepared inputs and returns ns per item (best of `rounds`). What
 * `body` returns is checked by `check` after the clock stops, so verifying costs the row nothing.
 */
async function measure<T, R>(count: number, prepare: (i: number) => T, body: (inputs: T[]) => Promise<R>, check: (inputs: T[], result: R) => void): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    const inputs = Array.from({ length: count }, (_, i) => prepare(i));
    const started = process.hrtime.bigint();
    const result = await body(inputs);
    best = Math.min(best, Number(process.hrtime.bigint() - started) / count);
    check(inputs, result);
  }
  return best;
}

async function bareAsync(value: number): Promise<number> {
  return value + 1;
}

const service = createGovcService();
const transport = createInProcessTransport(service);
const repo = 'bench';
await service.CreateRepository({ repo }, { signal: undefined, deadline: undefined, headers: {}, caller: '' });
let verified = 0;

function verify(content: Uint8Array, hash: string): void {
  if (gitHash(content) !== hash) throw new Error(`wrong hash ${hash}`);
  verified++;
}

async function sequentialStoreBlob(client: GovcClient, inputs: Uint8Array[]): Promise<string[]> {
  const hashes: string[] = [];
  for (const content of inputs) hashes.push((await client.storeBlob({ repo, content })).hash);
  return hashes;
}

function verifyAll(contents: Uint8Array[], hashes: string[]): void {
  contents.forEach((content, i) => verify(content, hashes[i]!));
}

const fullStack: Middleware[] = [metrics({ onEnd: () => undefined }), deadline({ timeoutMs: 30_000 }), retry(), batching()];
const plain = createClient(transport);
const full = createClient(transport, { middleware: fullStack });

const bare = await measure(
  calls,
  (i) => i,
  async (inputs) => {
    let sum = 0;
    for (const i of inputs) sum += await bareAsync(i);
    return sum;
  },
  (inputs, sum) => {
    if (sum !== inputs.reduce((a, b) => a + b + 1, 0)) throw new Error('bare loop miscounted');
  },
);
const plainCall = await measure(calls / 4, uniquePayload, (inputs) => sequentialStoreBlob(plain, inputs), verifyAll);
const fullCall = await measure(calls / 4, uniquePayload, (inputs) => sequentialStoreBlob(full, inputs), verifyAll);

const batchSize = 100;
const batches = calls / 40 / batchSize;
const batchOf = (): Uint8Array[] => Array.from({ length: batchSize }, uniquePayload);
const verifyBatches = (inputs: Uint8Array[][], hashes: string[][]): void => inputs.forEach((contents, i) => verifyAll(contents, hashes[i]!));
const directBatchOp =
  (await measure(
    batches,
    batchOf,
    async (inputs) => {
      const hashes: string[][] = [];
      for (const contents of inputs) {
        const { results } = await plain.batchOperations({
          repo,
          operations: contents.map((content, id) => ({ id: String(id), method: 'StoreBlob', request: { content } })),
        });
        hashes.push(results.map((result) => (result.response as { hash: string }).hash));
      }
      return hashes;
    },
    verifyBatches,
  )) / batchSize;
const middlewareBatchOp =
  (await measure(
    batches,
    batchOf,
    async (inputs) => {
      const hashes: string[][] = [];
      for (const contents of inputs) {
        const stored = await Promise.all(contents.map((content) => full.storeBlob({ repo, content })));
        hashes.push(stored.map((result) => result.hash));
      }
      return hashes;
    },
    verifyBatches,
  )) / batchSize;

const { present } = await service.HasObjects({ repo, hashes: [gitHash(uniquePayload())] }, { signal: undefined, deadline: undefined, headers: {}, caller: '' });
if (present[0]) throw new Error('a blob that was never stored is present');
if (verified !== unique - 1) throw new Error(`verified ${verified} responses for ${unique - 1} stored blobs`);

const us = (ns: number): string => (ns / 1000).toFixed(2).padStart(7);
const ratio = (ns: number): string => `${(ns / bare).toFixed(1).padStart(6)}×`;
const verdict = (ns: number, targetUs: number): string => (ns / 1000 <= targetUs ? `ok (≤ ${targetUs} µs)` : `MISSED (target ≤ ${targetUs} µs)`);
console.log(`in-process client stack, Node ${process.version}, ${rounds} rounds, best round shown; ${verified} responses verified`);
console.log(`${'row'.padEnd(52)}${'µs/op'.padStart(7)}  vs bare`);
console.log(`${'bare async call'.padEnd(52)}${us(bare)}  ${ratio(bare)}`);
console.log(`${'StoreBlob 46 B, client, no middleware'.padEnd(52)}${us(plainCall)}  ${ratio(plainCall)}  ${verdict(plainCall, 10)}`);
console.log(`${'StoreBlob 46 B, client, full stack'.padEnd(52)}${us(fullCall)}  ${ratio(fullCall)}  ${verdict(fullCall, 10)}`);
console.log(`${'per op in a 100-op BatchOperations'.padEnd(52)}${us(directBatchOp)}  ${ratio(directBatchOp)}  ${verdict(directBatchOp, 3)}`);
console.log(`${'per op, 100 concurrent calls via batching middleware'.padEnd(52)}${us(middlewareBatchOp)}  ${ratio(middlewareBatchOp)}  ${verdict(middlewareBatchOp, 3)}`);
await transport.close();
await service.close();
