/**
 * One `/metrics` scrape's process and Node.js runtime series, rendered by our hand-written
 * collectors and by prom-client's, in the same process and the same run.
 *
 *   npx tsx packages/server/bench/metrics-scrape.bench.ts        (from the repository root)
 *
 * Rows: ours (`registerProcessMetrics`, `registerRuntimeMonitor`, `registerBuildInfo`);
 * prom-client with the same series (its own collector modules for each, picked one by one);
 * prom-client's `collectDefaultMetrics()` as a service would wire it (more series: heap spaces,
 * handles, max fds, event-loop stddev…); and for scale, the whole server's scrape, ours, with the
 * govc series of 40 methods over two protocols. Each contender renders `scrapes` times per round,
 * the contenders interleaved, and the median round is shown, in µs per scrape.
 */
import { createRequire } from 'node:module';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { registerBuildInfo } from '../src/metrics/build-info.js';
import { MetricsRegistry } from '../src/metrics/metrics-registry.js';
import { registerProcessMetrics } from '../src/metrics/process-metrics.js';
import { registerRuntimeMonitor } from '../src/metrics/runtime-monitor.js';
import { createServerMetrics } from '../src/metrics/server-metrics.js';

const scrapes = Number(process.env.BENCH_SCRAPES ?? 2_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);

interface Contender {
  readonly name: string;
  readonly scrape: () => string | Promise<string>;
}

function ours(): Contender {
  const registry = new MetricsRegistry();
  registerBuildInfo(registry);
  registerProcessMetrics(registry);
  registerRuntimeMonitor(registry).start();
  return { name: 'ours, by hand', scrape: () => registry.render() };
}

function buildInfo(registry: Registry): void {
  new Gauge({ name: 'govc_build_info', help: 'Build.', labelNames: ['version', 'node'], registers: [registry] })
    .labels('0.1.0', process.version)
    .set(1);
}

/** prom-client's collector modules for exactly our series (it exports them only as files). */
function promClientSameSeries(): Contender {
  const require = createRequire(import.meta.url);
  const registry = new Registry();
  const collectors = [
    'processCpuTotal',
    'processStartTime',
    'osMemoryHeap',
    'processOpenFileDescriptors',
    'heapSizeAndUsed',
    'version',
    'eventLoopLag',
    'gc',
  ];
  for (const name of collectors) {
    const collect = require(`prom-client/lib/metrics/${name}`) as (registry: Registry, config: object) => void;
    collect(registry, {});
  }
  buildInfo(registry);
  return { name: 'prom-client, same series', scrape: () => registry.metrics() };
}

function promClientDefaults(): Contender {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  buildInfo(registry);
  return { name: 'prom-client, collectDefaultMetrics', scrape: () => registry.metrics() };
}

function wholeServer(): Contender {
  const metrics = createServerMetrics();
  metrics.runtime.start();
  for (let method = 0; method < 40; method++) {
    for (const protocol of ['http', 'grpc']) {
      metrics.observer({
        protocol,
        method: `Method${method}`,
        code: method % 5 === 0 ? 'not_found' : 'ok',
        durationMs: method / 10,
        bytesIn: 100,
        bytesOut: 200,
      });
    }
  }
  return { name: 'ours, whole server scrape (for scale)', scrape: () => metrics.registry.render() };
}

/** One round's wall-clock and CPU µs per scrape (prom-client's event-loop collector waits a turn of the loop). */
async function timeRound(contender: Contender): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < scrapes; i++) await contender.scrape();
  const wall = ((performance.now() - start) * 1000) / scrapes;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / scrapes };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const contenders = [ours(), promClientSameSeries(), promClientDefaults(), wholeServer()];
  // Let the event-loop monitors take samples, and warm every path up.
  await new Promise((resolve) => setTimeout(resolve, 100));
  for (const contender of contenders) for (let i = 0; i < 200; i++) await contender.scrape();
  const times = new Map<Contender, Array<{ wall: number; cpu: number }>>(contenders.map((c) => [c, []]));
  for (let round = 0; round < rounds; round++) {
    for (const contender of contenders) times.get(contender)!.push(await timeRound(contender));
  }
  process.stdout.write(`Node ${process.version}, ${scrapes} scrapes x ${rounds} rounds, median round, µs per scrape\n`);
  process.stdout.write(
    `${'contender'.padEnd(40)} ${'wall'.padStart(8)} ${'cpu'.padStart(8)} ${'samples'.padStart(8)} ${'bytes'.padStart(8)}\n`,
  );
  for (const contender of contenders) {
    const text = await contender.scrape();
    const samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
    const rows = times.get(contender)!;
    const cells = [
      median(rows.map((r) => r.wall)).toFixed(1),
      median(rows.map((r) => r.cpu)).toFixed(1),
      String(samples),
      String(text.length),
    ];
    process.stdout.write(`${contender.name.padEnd(40)} ${cells.map((cell) => cell.padStart(8)).join(' ')}\n`);
  }
  // The monitors never hold the process; end it anyway rather than wait for prom-client's observers.
  process.exit(0);
}

await main();
