import { describe, expect, it } from 'vitest';
import type { CellResult, RepetitionFigures } from '../src/index.js';
import { overheads } from '../src/report/overheads.js';

/** A repetition with these figures (the rest derived or zero). */
function repetition(latencyMeanUs: number, opsPerSecond: number, serverCpuUsPerOp: number): RepetitionFigures {
  const latencyUs = { mean: latencyMeanUs, p50: latencyMeanUs, p99: latencyMeanUs, max: latencyMeanUs };
  return {
    ops: 1,
    seconds: 1,
    opsPerSecond,
    itemsPerSecond: opsPerSecond,
    latencyUs,
    clientCpuUsPerOp: 0,
    serverCpuUsPerOp,
    clientHeapBytesPerOp: 0,
  };
}

function cell(target: string, workload: string, repetitions: RepetitionFigures[]): CellResult {
  return { target, variant: 'msgpack', workload, status: 'ok', repetitions };
}

describe('overheads', () => {
  it('ratios each repetition against the same round of the baseline, then takes the median', () => {
    const cells = [
      cell('http1', 'store-46b', [repetition(120, 100, 0), repetition(150, 80, 0), repetition(300, 40, 0)]),
      cell('bare-undici', 'store-46b', [repetition(100, 120, 30), repetition(100, 100, 40), repetition(100, 100, 20)]),
      cell('minimal-server', 'store-46b', [repetition(90, 130, 20), repetition(90, 130, 0), repetition(90, 130, 20)]),
    ];
    const found = overheads(cells);
    const latency = found.find((entry) => entry.ours === 'http1' && entry.measure.startsWith('client latency'));
    expect(latency).toMatchObject({ workload: 'store-46b', baseline: 'bare-undici', ratio: { median: 1.5, min: 1.2, max: 3 } });
    expect(latency!.withinBound).toBe(false);
    const time = found.find((entry) => entry.ours === 'http1' && entry.measure.startsWith('client time per op'));
    expect(time!.ratio).toEqual({ median: 1.25, min: 1.2, max: 2.5 });
    // The round where the minimal server's CPU read 0 ticks gives no finite ratio and is left out.
    const server = found.find((entry) => entry.measure.startsWith('server CPU'));
    expect(server).toMatchObject({ ours: 'bare-undici', ratio: { median: 1.25, min: 1, max: 1.5 }, withinBound: true });
    // No http2 cells, no batch-100x8: those comparisons do not appear.
    expect(found).toHaveLength(3);
  });

  it('leaves out a comparison whose govc cell failed', () => {
    const failed: CellResult = {
      target: 'http1',
      variant: 'msgpack',
      workload: 'store-46b',
      status: 'failed',
      error: 'x',
      repetitions: [],
    };
    expect(overheads([failed, cell('bare-undici', 'store-46b', [repetition(100, 100, 10)])])).toEqual([]);
  });
});
