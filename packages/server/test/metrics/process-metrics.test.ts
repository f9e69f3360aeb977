import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createServerMetrics } from '../../src/index.js';
import { h1, sleep } from '../fixtures/clients.js';
import { startServer } from '../fixtures/test-server.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The value of one sample line in a scrape, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Blocks the event loop for `ms`. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('process and runtime series on /metrics', () => {
  it("are on a fresh server's first scrape, under prom-client's names and types", async () => {
    await using s = await startServer();
    const text = (await h1(`${s.url}/metrics`)).body;
    const types: Record<string, string> = {
      process_cpu_user_seconds_total: 'counter',
      process_cpu_system_seconds_total: 'counter',
      process_cpu_seconds_total: 'counter',
      process_resident_memory_bytes: 'gauge',
      process_start_time_seconds: 'gauge',
      nodejs_heap_size_total_bytes: 'gauge',
      nodejs_heap_size_used_bytes: 'gauge',
      nodejs_external_memory_bytes: 'gauge',
      nodejs_eventloop_lag_seconds: 'gauge',
      nodejs_eventloop_lag_p50_seconds: 'gauge',
      nodejs_eventloop_lag_p99_seconds: 'gauge',
      nodejs_eventloop_lag_max_seconds: 'gauge',
      nodejs_gc_duration_seconds: 'histogram',
      nodejs_version_info: 'gauge',
      govc_build_info: 'gauge',
      ...(process.platform === 'linux' ? { process_open_fds: 'gauge' } : {}),
    };
    for (const [name, type] of Object.entries(types)) expect(text, name).toContain(`# TYPE ${name} ${type}\n`);

    const user = sample(text, 'process_cpu_user_seconds_total')!;
    const system = sample(text, 'process_cpu_system_seconds_total')!;
    expect(user).toBeGreaterThan(0);
    expect(sample(text, 'process_cpu_seconds_total')).toBeCloseTo(user + system, 5);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    const started = sample(text, 'process_start_time_seconds')!;
    expect(Math.abs(started - (Date.now() / 1000 - process.uptime()))).toBeLessThan(2);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_total_bytes')).toBeGreaterThanOrEqual(sample(text, 'nodejs_heap_size_used_bytes')!);
    expect(sample(text, 'nodejs_external_memory_bytes')).toBeGreaterThan(0);
    if (process.platform === 'linux') expect(sample(text, 'process_open_fds')).toBeGreaterThan(3); // stdio and the listener
    const [major, minor, patch] = process.versions.node.split('.');
    expect(sample(text, `nodejs_version_info{version="${process.version}",major="${major}",minor="${minor}",patch="${patch}"}`)).toBe(1);
    expect(sample(text, `govc_build_info{version="${version}",node="${process.version}"}`)).toBe(1);
    for (const kind of ['minor', 'major', 'incremental', 'weakcb'])
      expect(text).toContain(`nodejs_gc_duration_seconds_count{kind="${kind}"} `);
  });

  it('goes up between scrapes: CPU time, GC pauses, event-loop lag', async () => {
    await using s = await startServer();
    const scrape = async () => (await h1(`${s.url}/metrics`)).body;
    const before = await scrape();
    // A scrape resets the delay histogram, which then skips the interval it fell in: block after it.
    await sleep(30);
    block(150);
    // Garbage enough for a few minor GCs; the observer hears of them on a later turn of the loop.
    for (let i = 0; i < 20; i++) JSON.stringify(Array.from({ length: 20_000 }, (_, j) => ({ j })));
    await sleep(50);
    const after = await scrape();
    expect(sample(after, 'process_cpu_seconds_total')! - sample(before, 'process_cpu_seconds_total')!).toBeGreaterThan(0.05); // of 0.15 s, on a busy machine
    expect(sample(after, 'nodejs_gc_duration_seconds_count{kind="minor"}')!).toBeGreaterThan(
      sample(before, 'nodejs_gc_duration_seconds_count{kind="minor"}')!,
    );
    expect(sample(after, 'nodejs_eventloop_lag_max_seconds')).toBeGreaterThan(0.1);
    expect(sample(after, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
    expect(sample(after, 'nodejs_eventloop_lag_p50_seconds')).toBeLessThan(sample(after, 'nodejs_eventloop_lag_max_seconds')!);
  });

  it('read 0 for the runtime monitors on metrics no server started', () => {
    const text = createServerMetrics().registry.render();
    expect(sample(text, 'nodejs_eventloop_lag_max_seconds')).toBe(0);
    expect(sample(text, 'nodejs_gc_duration_seconds_count{kind="major"}')).toBe(0);
  });
});
