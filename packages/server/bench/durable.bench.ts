/**
 * The durable store against the in-memory one and against the disk itself, in one run:
 *
 *   pnpm --filter @govc/server bench:durable
 *
 * For each store (a `govc serve` child process, in memory or with `--data-dir`): StoreBlob of
 * unique 46-byte blobs one by one and in BatchOperations of 100 (objects/s, and the server's CPU
 * time per batched object from /proc), after an untimed warm-up through the same calls, and a
 * 1 GiB UploadBlob through the raw blob route (MB/s, and the server's RSS growth sampled from /proc).
 * The baseline is `dd bs=1M count=1024 conv=fsync` into the same directory. Every hash is
 * checked against one computed here, and the server must hold every acknowledged blob.
 * Targets (issue 4): batched small writes ≥ 50 k objects/s durable; 1 GiB upload ≥ 300 MB/s with
 * RSS growth < 64 MiB.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createClient, msgpackCodec, type GovcClient } from '@govc/core';
import { createHttpTransport } from '@govc/transport-http';
import { Pool } from 'undici';

const oneByOne = Number(process.env.BENCH_SINGLE ?? 2_000);
const batched = Number(process.env.BENCH_BATCHED ?? 100_000);
// Untimed first, through the same calls: both processes' code is compiled by the time the clock runs.
const warmUpSingle = 200;
const warmUpBatched = 10_000;
const uploadBytes = Number(process.env.BENCH_UPLOAD_BYTES ?? 1024 ** 3);
const repo = 'bench';
let unique = 0;

function payload(): Uint8Array {
  return new TextEncoder().encode(`govc durable bench ${String(unique++).padStart(12, '0')} `.padEnd(46, '.'));
}

function gitHash(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

async function startServer(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const bin = fileURLToPath(new URL('../bin/govc.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(http:\/\/[\d.:]+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { child, url };
}

/** The CPU time a process has used so far (user + system), seconds. */
function cpuSeconds(pid: number): number {
  // Fields after the command name (which ends with ')'): utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Stores `count` unique blobs one StoreBlob at a time; records each in `stored`. */
async function storeOneByOne(client: GovcClient, count: number, stored: Map<string, Uint8Array>): Promise<void> {
  for (let i = 0; i < count; i++) {
    const content = payload();
    stored.set((await client.storeBlob({ repo, content })).hash, content);
  }
}

/** Stores `count` unique blobs in BatchOperations of 100, eight batches in flight at a time, as concurrent clients would send them. */
async function storeBatched(client: GovcClient, count: number, stored: Map<string, Uint8Array>): Promise<void> {
  const batches = Array.from({ length: count / 100 }, () => Array.from({ length: 100 }, payload));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < batches.length) {
        const contents = batches[next++]!;
        const { results } = await client.batchOperations({
          repo,
          operations: contents.map((content, id) => ({ id: String(id), method: 'StoreBlob', request: { content } })),
        });
        results.forEach((result, i) => stored.set((result.response as { hash: string }).hash, contents[i]!));
      }
    }),
  );
}

/** Runs `work`, returning the seconds it took and the seconds of CPU the server used meanwhile. */
async function timed(pid: number, work: () => Promise<void>): Promise<{ seconds: number; serverCpu: number }> {
  const cpuBefore = cpuSeconds(pid);
  const started = process.hrtime.bigint();
  await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, serverCpu: cpuSeconds(pid) - cpuBefore };
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/** `dd` writing 1 GiB with fsync into `dir`: the disk's own sequential speed, MB/s. */
function ddSpeed(dir: string): number {
  const target = join(dir, 'dd.bin');
  const started = process.hrtime.bigint();
  const dd = spawnSync('dd', ['if=/dev/zero', `of=${target}`, 'bs=1M', `count=${Math.round(uploadBytes / 1024 ** 2)}`, 'conv=fsync'], {
    stdio: 'ignore',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(target, { force: true });
  if (dd.status !== 0) throw new Error('dd failed');
  return uploadBytes / 1e6 / seconds;
}

interface Result {
  readonly singlePerSecond: number;
  readonly batchedPerSecond: number;
  /** The server's CPU time per batched object, µs. */
  readonly batchedCpuMicros: number;
  readonly uploadMBps: number;
  readonly rssGrowth: number;
}

async function run(label: string, args: string[]): Promise<Result> {
  const { child, url } = await startServer(args);
  const transport = createHttpTransport({ baseUrl: url, httpVersion: '2', codec: msgpackCodec });
  const client: GovcClient = createClient(transport);
  const stored = new Map<string, Uint8Array>();
  try {
    await client.createRepository({ repo });
    const pid = child.pid!;
    await storeOneByOne(client, warmUpSingle, stored);
    await storeBatched(client, warmUpBatched, stored);
    const single = await timed(pid, () => storeOneByOne(client, oneByOne, stored));
    const batch = await timed(pid, () => storeBatched(client, batched, stored));
    const singlePerSecond = oneByOne / single.seconds;
    const batchedPerSecond = batched / batch.seconds;
    const batchedCpuMicros = (batch.serverCpu / batched) * 1e6;

    // The upload's bytes and their hash are made before the clock starts, as dd's zeros cost dd
    // nothing: what is timed is the transfer and the server's work, not this client's hashing.
    const hasher = createHash('sha1').update(`blob ${uploadBytes}\0`);
    const chunk = new Uint8Array(1024 * 1024).map((_, i) => (i * 31) & 0xff);
    const parts: Uint8Array[] = [];
    for (let made = 0; made < uploadBytes; made += chunk.byteLength) {
      const part = chunk.slice(0, Math.min(chunk.byteLength, uploadBytes - made));
      part[0] = (made / chunk.byteLength) & 0xff; // every MiB differs
      hasher.update(part);
      parts.push(part);
    }
    const expectedHash = hasher.digest('hex');
    async function* body(): AsyncGenerator<Uint8Array> {
      // Handed out once each, so that the client holds no reference the stream let go of.
      while (parts.length > 0) yield parts.shift()!;
    }
    const pool = new Pool(url);
    const baseline = rssBytes(child.pid!);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(child.pid!))), 50);
    const started = process.hrtime.bigint();
    const response = await pool.request({
      path: `/v1/repos/${repo}/blobs`,
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(uploadBytes) },
      body: Readable.from(body()),
    });
    const uploaded = (await response.body.json()) as { hash: string; size: number };
    const uploadMBps = uploadBytes / 1e6 / (Number(process.hrtime.bigint() - started) / 1e9);
    clearInterval(sampler);
    await pool.close();
    if (uploaded.hash !== expectedHash || uploaded.size !== uploadBytes)
      throw new Error(`${label}: wrong upload ${JSON.stringify(uploaded)}`);

    for (const [hash, content] of stored) if (gitHash(content) !== hash) throw new Error(`${label}: wrong hash ${hash}`);
    const hashes = [...stored.keys(), uploaded.hash];
    for (let at = 0; at < hashes.length; at += 10_000) {
      const { present } = await client.hasObjects({ repo, hashes: hashes.slice(at, at + 10_000) });
      if (!present.every(Boolean)) throw new Error(`${label}: an acknowledged blob is missing`);
    }
    return { singlePerSecond, batchedPerSecond, batchedCpuMicros, uploadMBps, rssGrowth: peak - baseline };
  } finally {
    await transport.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'govc-durable-bench-'));
try {
  const dd = ddSpeed(dir);
  const memory = await run('memory', ['--memory-limit', String(4 * 1024 ** 3)]);
  const disk = await run('disk', ['--data-dir', join(dir, 'data')]);
  const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
  console.log(
    `durable store vs in-memory vs dd, Node ${process.version}, ${tmpdir()}; after ${warmUpSingle} + ${warmUpBatched} untimed: ${oneByOne} one by one, ${batched} in batches of 100 (8 in flight), ${mib(uploadBytes)} upload`,
  );
  console.log(`dd bs=1M conv=fsync: ${dd.toFixed(0)} MB/s`);
  console.log(
    `${'store'.padEnd(10)}${'single obj/s'.padStart(14)}${'batched obj/s'.padStart(15)}${'server µs/obj'.padStart(15)}${'upload MB/s'.padStart(13)}${'RSS growth'.padStart(12)}`,
  );
  for (const [name, result] of [
    ['memory', memory],
    ['disk', disk],
  ] as const) {
    console.log(
      `${name.padEnd(10)}${result.singlePerSecond.toFixed(0).padStart(14)}${result.batchedPerSecond.toFixed(0).padStart(15)}${result.batchedCpuMicros.toFixed(1).padStart(15)}${result.uploadMBps.toFixed(0).padStart(13)}${mib(result.rssGrowth).padStart(12)}`,
    );
  }
  console.log(
    `disk / memory: single ${(disk.singlePerSecond / memory.singlePerSecond).toFixed(2)}×, batched ${(disk.batchedPerSecond / memory.batchedPerSecond).toFixed(2)}×, server CPU per batched object ${(disk.batchedCpuMicros / memory.batchedCpuMicros).toFixed(2)}×`,
  );
  const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISSED');
  console.log(
    `targets on disk: batched ≥ 50000 obj/s ${verdict(disk.batchedPerSecond >= 50_000)}; upload ≥ 300 MB/s ${verdict(disk.uploadMBps >= 300)} (${(disk.uploadMBps / dd).toFixed(2)}× dd); RSS growth < 64 MiB ${verdict(disk.rssGrowth < 64 * 1024 ** 2)}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
