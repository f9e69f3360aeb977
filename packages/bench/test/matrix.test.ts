import { createHash } from 'node:crypto';
import type { ServiceHandler } from '@govc/core';
import { createGovcService } from '@govc/service';
import { describe, expect, it } from 'vitest';
import { allWorkloads, httpTarget, inProcessTarget, runBench, terminalTable, type BenchReport } from '../src/index.js';

/** A service whose StoreBlob answers with another hash: the bench must catch the corrupted response. */
function corruptingService(): ReturnType<typeof createGovcService> {
  const service = createGovcService();
  const storeBlob: ServiceHandler['StoreBlob'] = async (request, context) => ({
    ...(await service.StoreBlob(request, context)),
    hash: 'f'.repeat(40),
  });
  return { ...service, StoreBlob: storeBlob };
}

/** A service whose StoreBlob answers the right hash without storing anything: the bench must catch the dropped write. */
function droppingService(): ReturnType<typeof createGovcService> {
  const service = createGovcService();
  const storeBlob: ServiceHandler['StoreBlob'] = async (request) => ({
    hash: createHash('sha1').update(`blob ${request.content.byteLength}\0`).update(request.content).digest('hex'),
    size: request.content.byteLength,
  });
  return { ...service, StoreBlob: storeBlob };
}

describe('the bench matrix', () => {
  it(
    'runs every target on a tiny matrix, verifies every cell, and fails exactly the cells whose server lied',
    { timeout: 120_000 },
    async () => {
      const workloads = allWorkloads().filter((workload) => workload.name === 'store-46b' || workload.name === 'commit-20-files');
      const targets = [
        inProcessTarget(),
        httpTarget('1.1'),
        httpTarget('2'),
        inProcessTarget(corruptingService, 'corrupted-response'),
        inProcessTarget(droppingService, 'dropped-write'),
      ];
      const report: BenchReport = await runBench({ targets, workloads, mode: 'quick', repetitions: 2, opsScale: 0.02 });

      expect(report.version).toBe(1);
      expect(report.machine.cpus).toBeGreaterThan(0);
      // commit-20-files runs on every variant of the HTTP targets: 4 each.
      expect(report.cells.map((cell) => `${cell.target} ${cell.variant} ${cell.workload}`)).toEqual([
        'in-process msgpack store-46b',
        'in-process msgpack commit-20-files',
        'http1 msgpack store-46b',
        'http1 msgpack commit-20-files',
        'http1 msgpack+gzip commit-20-files',
        'http1 json commit-20-files',
        'http1 json+gzip commit-20-files',
        'http2 msgpack store-46b',
        'http2 msgpack commit-20-files',
        'http2 msgpack+gzip commit-20-files',
        'http2 json commit-20-files',
        'http2 json+gzip commit-20-files',
        'corrupted-response msgpack store-46b',
        'corrupted-response msgpack commit-20-files',
        'dropped-write msgpack store-46b',
        'dropped-write msgpack commit-20-files',
      ]);
      const failed = report.cells.filter((cell) => cell.status === 'failed');
      expect(failed.map((cell) => `${cell.target} ${cell.workload}`)).toEqual(['corrupted-response store-46b', 'dropped-write store-46b']);
      expect(failed[0]!.error).toMatch(/StoreBlob answered f{40}/);
      expect(failed[1]!.error).toMatch(/stored blobs are missing on the server/);
      for (const cell of failed) expect([cell.repetitions, cell.summary]).toEqual([[], undefined]);

      for (const cell of report.cells.filter((candidate) => candidate.status === 'ok')) {
        expect(cell.repetitions).toHaveLength(2);
        for (const repetition of cell.repetitions) {
          expect(repetition.ops).toBeGreaterThan(0);
          expect(repetition.opsPerSecond).toBeGreaterThan(0);
          expect(repetition.latencyUs.p50).toBeGreaterThan(0);
          expect(repetition.latencyUs.p99).toBeGreaterThanOrEqual(repetition.latencyUs.p50);
          // Every op makes its content and its call: something is allocated, far less than a MiB.
          expect(repetition.clientHeapBytesPerOp).toBeGreaterThan(0);
          expect(repetition.clientHeapBytesPerOp).toBeLessThan(1024 * 1024);
        }
        expect(cell.summary!.opsPerSecond.min).toBeLessThanOrEqual(cell.summary!.opsPerSecond.median);
      }
      const table = terminalTable(report);
      expect(table).toContain('FAILED');
      expect(table.split('\n').filter((line) => / (msgpack|json)/.test(line))).toHaveLength(report.cells.length);
    },
  );
});
