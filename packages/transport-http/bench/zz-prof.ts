import { spawn } from 'node:child_process';
import { connect } from 'node:http2';
import { once } from 'node:events';
import { Pool } from 'undici';
import { govcMethods, msgpackCodec } from '@govc/core';
import { createHttpTransport } from '../src/index.js';

const { StoreBlob } = govcMethods;
const reply = msgpackCodec.encode(StoreBlob.output, { hash: 'a'.repeat(40), size: 100 });
const content = new Uint8Array(100).fill(1);
const child = spawn(process.execPath, ['/tmp/benchwork/server.mjs', Buffer.from(reply).toString('base64')], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = await once(child.stdout!, 'data');
const ports = JSON.parse(String(line)) as { h1: number; h2: number };
const version = (process.argv[2] ?? '2') as '1.1' | '2';
const url = `http://127.0.0.1:${version === '2' ? ports.h2 : ports.h1}`;
const transport = createHttpTransport({ baseUrl: url, httpVersion: version, connections: 64 });
await transport.warmup();
let bare: () => Promise<unknown>;
if (version === '2') {
  const session = connect(url, process.env.BIGWIN ? { settings: { initialWindowSize: 4 * 1024 * 1024, enablePush: false } } : {});
  if (process.env.BIGWIN) session.once('connect', () => session.setLocalWindowSize(16 * 1024 * 1024));
  bare = () => new Promise((resolve, reject) => {
    const body = msgpackCodec.encode(StoreBlob.input, { repo: 'r', content });
    const s = session.request({ ':method': 'POST', ':path': '/v1/StoreBlob', 'content-type': 'application/msgpack' });
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(msgpackCodec.decode(StoreBlob.output, Buffer.concat(chunks)))).on('error', reject);
    s.end(body);
  });
} else {
  const pool = new Pool(url, { connections: 64, pipelining: 1 });
  bare = async () => {
    const body = msgpackCodec.encode(StoreBlob.input, { repo: 'r', content });
    const r = await pool.request({ path: '/v1/StoreBlob', method: 'POST', headers: { 'content-type': 'application/msgpack' }, body });
    return msgpackCodec.decode(StoreBlob.output, new Uint8Array(await r.body.arrayBuffer()));
  };
}
const ours = () => transport.unary(StoreBlob, { repo: 'r', content });
const cpu: Map<unknown, number[]> = new Map();
async function time(n: number, c: number, call: () => Promise<unknown>): Promise<number> {
  const start = performance.now(); let next = 0; const u = process.cpuUsage();
  await Promise.all(Array.from({ length: c }, async () => { while (next++ < n) await call(); }));
  const used = process.cpuUsage(u); const list = cpu.get(call) ?? []; list.push((used.user + used.system) / n); cpu.set(call, list);
  return ((performance.now() - start) * 1000) / n;
}
if (process.env.ONLY) { const f = process.env.ONLY === 'ours' ? ours : bare; for (let r = 0; r < 8; r++) await time(10000, 64, f); await transport.close(); child.kill(); process.exit(0); }
for (const c of [1, 64]) {
  await time(2000, c, bare); await time(2000, c, ours);
  const a: number[] = []; const b: number[] = [];
  for (let r = 0; r < 9; r++) { a.push(await time(c === 1 ? 1500 : 8000, c, bare)); b.push(await time(c === 1 ? 1500 : 8000, c, ours)); }
  const median = (x: number[]) => x.sort((p, q) => p - q)[Math.floor(x.length / 2)]!;
  const cb = median(cpu.get(bare)!), co = median(cpu.get(ours)!); cpu.clear();
  console.log(`  cpu/call bare ${cb.toFixed(1)} µs, ours ${co.toFixed(1)} µs, ratio ${(co / cb).toFixed(2)}`);
  console.log(`h${version} c=${c}: bare ${median(a).toFixed(1)} µs/call, ours ${median(b).toFixed(1)} µs/call, ratio ${(median(b) / median(a)).toFixed(2)}`);
}
await transport.close();
child.kill();
process.exit(0);
