/**
 * Our HTTP/1.1 and HTTP/2 transports next to bare requests, against a govc server in its own
 * process (the real CLI, in-memory store), all in one run.
 *
 *   npm run bench                 (from the repository root: builds, then runs every bench)
 *   pnpm --filter @govc/server bench
 *
 * Each row stores unique 46-byte blobs: sequentially (latency per call) and with 64 calls in
 * flight (throughput). Bare rows are `undici.request` and a `node:http2` stream doing the same
 * StoreBlob through the raw blob route; ours call StoreBlob through `createHttpTransport`
 * (MessagePack). Every response's hash is checked after the clock stops, and at the end the
 * server must hold every blob stored (HasObjects). Target (issue 3): ours ≤ 1.3× the bare request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { connect, type ClientHttp2Session } from 'node:http2';
import { fileURLToPath } from 'node:url';
import { createClient, msgpackCodec, type GovcClient } from '@govc/core';
import { createHttpTransport } from '@govc/transport-http';
import { Pool } from 'undici';

const sequentialCalls = Number(process.env.BENCH_CALLS ?? 5_000);
const inFlight = 64;
const parallelCalls = sequentialCalls * 4;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const repo = 'bench';
let unique = 0;

function payload(): Uint8Array {
  return new TextEncoder().encode(`govc http bench ${String(unique++).padStart(12, '0')} `.padEnd(46, '.'));
}

function gitHash(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

/** Starts `govc serve --port 0` in its own process and reads the port off its banner. */
async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const bin = fileURLToPath(new URL('../bin/govc.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--memory-limit', String(4 * 1024 ** 3)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no banner from the server: ${out}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(http:\/\/[\d.:[\]a-z]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { child, url };
}

type Store = (content: Uint8Array) => Promise<string>;

/** Best-of-rounds µs per call, sequential, and calls per second with `inFlight` in flight. */
async function measure(store: Store, stored: Map<string, Uint8Array>): Promise<{ latencyUs: number; perSecond: number }> {
  let latencyUs = Number.POSITIVE_INFINITY;
  let perSecond = 0;
  for (let round = 0; round < rounds; round++) {
    const sequential = Array.from({ length: sequentialCalls }, payload);
    const hashes: string[] = [];
    let started = process.hrtime.bigint();
    for (const content of sequential) hashes.push(await store(content));
    latencyUs = Math.min(latencyUs, Number(process.hrtime.bigint() - started) / sequentialCalls / 1000);
    sequential.forEach((content, i) => stored.set(hashes[i]!, content));

    const parallel = Array.from({ length: parallelCalls }, payload);
    const parallelHashes = new Array<string>(parallelCalls);
    let next = 0;
    started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < parallelCalls) {
          const index = next++;
          parallelHashes[index] = await store(parallel[index]!);
        }
      }),
    );
    perSecond = Math.max(perSecond, parallelCalls / (Number(process.hrtime.bigint() - started) / 1e9));
    parallel.forEach((content, i) => stored.set(parallelHashes[i]!, content));
  }
  return { latencyUs, perSecond };
}

function h2Request(session: ClientHttp2Session, path: string, body: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/octet-stream',
      'content-length': body.byteLength,
    });
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve((JSON.parse(Buffer.concat(chunks).toString()) as { hash: string }).hash));
    stream.on('error', reject);
    stream.end(body);
  });
}

const { child, url } = await startServer();
const stored = new Map<string, Uint8Array>();
try {
  const pool = new Pool(url, { connections: inFlight, pipelining: 1 });
  const session = connect(url, { settings: { initialWindowSize: 4 * 1024 * 1024 } });
  const h1 = createHttpTransport({ baseUrl: url, httpVersion: '1.1', codec: msgpackCodec, connections: inFlight });
  const h2 = createHttpTransport({ baseUrl: url, httpVersion: '2', codec: msgpackCodec });
  await Promise.all([h1.warmup(), h2.warmup()]);
  const h1Client: GovcClient = createClient(h1);
  const h2Client: GovcClient = createClient(h2);
  await h1Client.createRepository({ repo });
  const rawPath = `/v1/repos/${repo}/blobs`;

  const rows: [string, Awaited<ReturnType<typeof measure>>][] = [];
  rows.push([
    'bare undici.request, raw blob route',
    await measure(async (content) => {
      const response = await pool.request({
        path: rawPath,
        method: 'POST',
        body: content,
        headers: { 'content-type': 'application/octet-stream' },
      });
      return ((await response.body.json()) as { hash: string }).hash;
    }, stored),
  ]);
  rows.push([
    'ours, HTTP/1.1, StoreBlob (msgpack)',
    await measure(async (content) => (await h1Client.storeBlob({ repo, content })).hash, stored),
  ]);
  rows.push(['bare node:http2, raw blob route', await measure((content) => h2Request(session, rawPath, content), stored)]);
  rows.push([
    'ours, HTTP/2, StoreBlob (msgpack)',
    await measure(async (content) => (await h2Client.storeBlob({ repo, content })).hash, stored),
  ]);

  for (const [hash, content] of stored) if (gitHash(content) !== hash) throw new Error(`wrong hash ${hash}`);
  const hashes = [...stored.keys()];
  for (let at = 0; at < hashes.length; at += 10_000) {
    const { present } = await h1Client.hasObjects({ repo, hashes: hashes.slice(at, at + 10_000) });
    if (!present.every(Boolean)) throw new Error('the server lacks a blob it acknowledged');
  }

  console.log(`HTTP transports vs bare requests, server in its own process (in-memory store), Node ${process.version}`);
  console.log(
    `${sequentialCalls} sequential + ${parallelCalls} at ${inFlight} in flight per round, best of ${rounds}; ${stored.size} responses verified, all present on the server`,
  );
  console.log(`${'row'.padEnd(40)}${'µs/call'.padStart(9)}${'calls/s'.padStart(10)}${'latency ×'.padStart(11)}${'thruput ×'.padStart(11)}`);
  const baseline = (index: number) => rows[index - (index % 2)]![1];
  rows.forEach(([name, result], index) => {
    const base = baseline(index);
    const latencyRatio = result.latencyUs / base.latencyUs;
    const throughputRatio = base.perSecond / result.perSecond;
    const verdict = index % 2 === 1 ? (Math.max(latencyRatio, throughputRatio) <= 1.3 ? '  ok (≤ 1.3×)' : '  MISSED (≤ 1.3×)') : '';
    console.log(
      `${name.padEnd(40)}${result.latencyUs.toFixed(1).padStart(9)}${result.perSecond.toFixed(0).padStart(10)}${latencyRatio.toFixed(2).padStart(11)}${throughputRatio.toFixed(2).padStart(11)}${verdict}`,
    );
  });
  await Promise.all([h1.close(), h2.close(), pool.close()]);
  session.close();
} finally {
  child.kill('SIGTERM');
}
