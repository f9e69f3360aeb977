import { readdirSync } from 'node:fs';
import type { CounterSeries } from './counter.js';
import type { MetricsRegistry } from './metrics-registry.js';

// Each open file descriptor is an entry here; Linux only.
const fdDir = '/proc/self/fd';

/**
 * Adds the process and Node.js series that operators expect of any service, under the names of
 * prom-client's default collectors so that existing dashboards and alerts work unchanged. All are
 * read at each scrape, with one `process.cpuUsage()` and one `process.memoryUsage()`:
 * `process_cpu_{user,system}_seconds_total`, `process_cpu_seconds_total`,
 * `process_resident_memory_bytes`, `process_start_time_seconds`, `process_open_fds` (Linux),
 * `nodejs_heap_size_{total,used}_bytes`, `nodejs_external_memory_bytes` and `nodejs_version_info`.
 */
export function registerProcessMetrics(registry: MetricsRegistry): void {
  const cpuUser = registry.counter({ name: 'process_cpu_user_seconds_total', help: 'User CPU time spent in seconds.' }).labels();
  const cpuSystem = registry.counter({ name: 'process_cpu_system_seconds_total', help: 'System CPU time spent in seconds.' }).labels();
  const cpuTotal = registry
    .counter({ name: 'process_cpu_seconds_total', help: 'Total user and system CPU time spent in seconds.' })
    .labels();
  const resident = registry.gauge({ name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.' }).labels();
  registry
    .gauge({ name: 'process_start_time_seconds', help: 'Start time of the process since unix epoch in seconds.' })
    .labels()
    .set(Math.round(Date.now() / 1000 - process.uptime()));
  const openFds =
    countOpenFds() === undefined
      ? undefined
      : registry.gauge({ name: 'process_open_fds', help: 'Number of open file descriptors.' }).labels();
  const heapTotal = registry.gauge({ name: 'nodejs_heap_size_total_bytes', help: 'Process heap size from Node.js in bytes.' }).labels();
  const heapUsed = registry.gauge({ name: 'nodejs_heap_size_used_bytes', help: 'Process heap size used from Node.js in bytes.' }).labels();
  const external = registry.gauge({ name: 'nodejs_external_memory_bytes', help: 'Node.js external memory size in bytes.' }).labels();
  const [major = '', minor = '', patch = ''] = process.versions.node.split('.');
  registry
    .gauge({ name: 'nodejs_version_info', help: 'Node.js version info.', labelNames: ['version', 'major', 'minor', 'patch'] })
    .labels(process.version, major, minor, patch)
    .set(1);

  registry.onScrape(function readProcess() {
    const cpu = process.cpuUsage();
    advance(cpuUser, cpu.user / 1e6);
    advance(cpuSystem, cpu.system / 1e6);
    advance(cpuTotal, (cpu.user + cpu.system) / 1e6);
    const memory = process.memoryUsage();
    resident.set(memory.rss);
    heapTotal.set(memory.heapTotal);
    heapUsed.set(memory.heapUsed);
    external.set(memory.external);
    if (openFds) {
      const fds = countOpenFds();
      if (fds !== undefined) openFds.set(fds);
    }
  });
}

/** Brings a counter up to `total`, a running total the process keeps; never down. */
function advance(series: CounterSeries, total: number): void {
  if (total > series.value) series.inc(total - series.value);
}

/** Open file descriptors, or `undefined` where `/proc/self/fd` cannot be read. */
function countOpenFds(): number | undefined {
  try {
    // The listing holds the descriptor readdir opened to read it.
    return readdirSync(fdDir).length - 1;
  } catch {
    return undefined;
  }
}
