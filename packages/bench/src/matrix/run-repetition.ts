import { HeapAllocation } from '../measure/heap-allocation.js';
import { LatencyHistogram } from '../measure/latency-histogram.js';
import { processCpuMicros } from '../measure/process-cpu.js';
import type { BenchServer, Target, Variant } from '../targets/target.js';
import type { Check, PreparedWorkload, Workload } from '../workloads/workload.js';
import type { RepetitionFigures } from './cell-result.js';

/** Where op numbers come from: unique across the run, so that no two ops send the same content. */
export interface OpCounter {
  next: number;
}

/** Runs `count` ops of `prepared`, `concurrency` at a time, timing each into `histogram` when given; their checks. */
async function runOps(
  prepared: PreparedWorkload,
  counter: OpCounter,
  count: number,
  concurrency: number,
  histogram?: LatencyHistogram,
): Promise<Check[]> {
  const checks: Check[] = [];
  let started = 0;
  async function worker(): Promise<void> {
    while (started < count) {
      started++;
      const index = counter.next++;
      const begin = performance.now();
      const check = await prepared.op(index);
      histogram?.record((performance.now() - begin) * 1000);
      checks.push(check);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return checks;
}

/**
 * One repetition of a cell: connect, prepare the workload in `repo`, warm up untimed (a tenth of
 * the ops at a time, for at least 250 ms), run the timed ops, then — after the clock stops — check every response and the
 * server's state. Throws if anything did not verify: a failed cell is never timed.
 */
export async function runRepetition(
  target: Target,
  variant: Variant,
  workload: Workload,
  ops: number,
  repo: string,
  server: BenchServer | undefined,
  counter: OpCounter,
): Promise<RepetitionFigures> {
  const connection = await target.connect(variant, server);
  try {
    await connection.client.createRepository({ repo });
    const prepared = await workload.prepare(connection.client, repo, connection.transport, { pid: connection.serverPid });
    try {
      // Warm up untimed until the JIT has seen the path: a tenth of the ops at a time, until at
      // least 250 ms went by (at most ten such rounds, so a slow cell is not warmed for ever).
      const warmupChecks: Check[] = [];
      const warmupStarted = performance.now();
      for (let round = 0; round < 10 && (round === 0 || performance.now() - warmupStarted < 250); round++) {
        warmupChecks.push(...(await runOps(prepared, counter, Math.max(1, Math.ceil(ops / 10)), workload.concurrency)));
      }
      const histogram = new LatencyHistogram();
      const clientBefore = processCpuMicros(process.pid);
      const serverBefore = processCpuMicros(connection.serverPid);
      const heap = new HeapAllocation();
      heap.start();
      const begin = performance.now();
      const checks = await runOps(prepared, counter, ops, workload.concurrency, histogram);
      const seconds = (performance.now() - begin) / 1000;
      const allocated = heap.stop();
      const clientCpu = processCpuMicros(process.pid) - clientBefore;
      const serverCpu = processCpuMicros(connection.serverPid) - serverBefore;
      for (const check of [...warmupChecks, ...checks]) await check();
      await prepared.verifyState();
      const extra = prepared.figures?.();
      // What the cell stored goes, so that the server's memory does not grow over the run.
      await connection.client.deleteRepository({ repo });
      const opsPerSecond = ops / seconds;
      return {
        ops,
        seconds,
        opsPerSecond,
        itemsPerSecond: opsPerSecond * workload.itemsPerOp,
        latencyUs: histogram.figures(),
        clientCpuUsPerOp: clientCpu / ops,
        serverCpuUsPerOp: serverCpu / ops,
        clientHeapBytesPerOp: allocated / ops,
        ...(extra === undefined ? {} : { extra }),
      };
    } finally {
      await prepared.close?.();
    }
  } finally {
    await connection.close();
  }
}
