import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  allWorkloads,
  bareHttp2Target,
  bareUndiciTarget,
  httpTarget,
  minimalServerTarget,
  runBench,
  terminalTable,
  type Target,
} from '../src/index.js';

/** `target` with every connection's server pid noted in `pids`. */
function notingServerPids(target: Target, pids: Set<number>): Target {
  return {
    ...target,
    async connect(variant, server) {
      const connection = await target.connect(variant, server);
      pids.add(connection.serverPid);
      return connection;
    },
  };
}

describe('the raw baselines', () => {
  it(
    'run next to http1 and http2 in one run, give finite overhead ratios, fail a minimal server that answers wrong hashes, and leave none behind',
    { timeout: 120_000 },
    async () => {
      const workloads = allWorkloads().filter((workload) => workload.name === 'store-46b' || workload.name === 'batch-10');
      const minimalPids = new Set<number>();
      const targets = [
        httpTarget('1.1'),
        httpTarget('2'),
        bareUndiciTarget(),
        bareHttp2Target(),
        notingServerPids(minimalServerTarget(), minimalPids),
        notingServerPids(minimalServerTarget({ name: 'corrupted-minimal', env: { BENCH_MINIMAL_CORRUPT: '1' } }), minimalPids),
      ];
      // Enough ops that each server's CPU spans several of /proc's 10 ms ticks.
      const report = await runBench({ targets, workloads, mode: 'quick', repetitions: 2, opsScale: 0.5 });

      expect(report.cells.map((cell) => `${cell.target} ${cell.status}`)).toEqual([
        'http1 ok',
        'http1 ok',
        'http2 ok',
        'http2 ok',
        'bare-undici ok',
        'bare-undici ok',
        'bare-http2 ok',
        'bare-http2 ok',
        'minimal-server ok',
        'minimal-server ok',
        'corrupted-minimal failed',
        'corrupted-minimal failed',
      ]);
      for (const cell of report.cells.filter((candidate) => candidate.target === 'corrupted-minimal'))
        expect(cell.error).toMatch(/answered f{40}/);

      const measured = report.overheads.map((entry) => `${entry.workload} ${entry.ours}÷${entry.baseline} ${entry.measure}`);
      for (const workload of ['store-46b', 'batch-10']) {
        expect(measured).toContain(`${workload} http1÷bare-undici client latency (mean)`);
        expect(measured).toContain(`${workload} http2÷bare-http2 client time per op (1 ÷ ops/s)`);
      }
      expect(measured.some((entry) => entry.includes('bare-undici÷minimal-server server CPU per op'))).toBe(true);
      for (const entry of report.overheads) {
        expect(Number.isFinite(entry.ratio.median)).toBe(true);
        expect(entry.ratio.min).toBeGreaterThan(0);
      }
      expect(terminalTable(report)).toContain('Overhead against the raw baselines');

      expect(minimalPids.size).toBe(2);
      for (const pid of minimalPids) expect(existsSync(`/proc/${pid}`)).toBe(false);
    },
  );
});
