import { spreadOf, type CellResult, type RepetitionFigures, type Spread } from '../matrix/cell-result.js';
import { spread } from './format-figures.js';

/** One ratio of govc against a raw baseline run in the same run, with the bound the issue sets. */
export interface Overhead {
  /** What is compared, for the report: `client latency (mean)`, `server CPU per op`, … */
  readonly measure: string;
  readonly workload: string;
  /** The govc cell's target (its msgpack variant). */
  readonly ours: string;
  /** The baseline cell's target. */
  readonly baseline: string;
  /** Median (and range) of the per-repetition ratios: 1 is the baseline's figure; a cost above it or a rate below it is govc's overhead. */
  readonly ratio: Spread;
  /** The bound on the median: `at most` for costs, `at least` for rates. */
  readonly bound: { readonly at: 'most' | 'least'; readonly value: number };
  readonly withinBound: boolean;
}

interface Comparison {
  readonly measure: string;
  readonly ours: string;
  readonly baseline: string;
  readonly workloads?: readonly string[];
  readonly ratio: (ours: RepetitionFigures, baseline: RepetitionFigures) => number;
  readonly bound: Overhead['bound'];
}

const clientBound = { at: 'most', value: 1.3 } as const;
const latency = (ours: RepetitionFigures, bare: RepetitionFigures): number => ours.latencyUs.mean / bare.latencyUs.mean;
// Time per op, ours ÷ bare: the throughput loss as a cost, so that it reads like the latency ratio.
const throughputTime = (ours: RepetitionFigures, bare: RepetitionFigures): number => bare.opsPerSecond / ours.opsPerSecond;

const comparisons: readonly Comparison[] = [
  { measure: 'client latency (mean)', ours: 'http1', baseline: 'bare-undici', ratio: latency, bound: clientBound },
  { measure: 'client time per op (1 ÷ ops/s)', ours: 'http1', baseline: 'bare-undici', ratio: throughputTime, bound: clientBound },
  { measure: 'client latency (mean)', ours: 'http2', baseline: 'bare-http2', ratio: latency, bound: clientBound },
  { measure: 'client time per op (1 ÷ ops/s)', ours: 'http2', baseline: 'bare-http2', ratio: throughputTime, bound: clientBound },
  {
    // Both under the same bare client, so that the client's cost does not enter the comparison.
    measure: 'server CPU per op (govc serve ÷ minimal)',
    ours: 'bare-undici',
    baseline: 'minimal-server',
    ratio: (ours, minimal) => ours.serverCpuUsPerOp / minimal.serverCpuUsPerOp,
    bound: { at: 'most', value: 1.5 },
  },
  {
    measure: 'batched items/s',
    ours: 'http2',
    baseline: 'minimal-server',
    workloads: ['batch-100x8'],
    ratio: (ours, minimal) => ours.itemsPerSecond / minimal.itemsPerSecond,
    bound: { at: 'least', value: 0.6 },
  },
];

/**
 * Every comparison whose two msgpack cells both verified, per workload: ratioed per repetition
 * (both ran in the same round) and then medianed. A repetition whose ratio is not finite (a
 * server CPU under one 10 ms /proc tick) is left out; a comparison with none left is too.
 */
export function overheads(cells: readonly CellResult[]): Overhead[] {
  const found: Overhead[] = [];
  const okCell = (target: string, workload: string): CellResult | undefined =>
    cells.find((cell) => cell.target === target && cell.variant === 'msgpack' && cell.workload === workload && cell.status === 'ok');
  for (const comparison of comparisons) {
    for (const baseline of cells.filter((cell) => cell.target === comparison.baseline && cell.status === 'ok')) {
      if (comparison.workloads && !comparison.workloads.includes(baseline.workload)) continue;
      const ours = okCell(comparison.ours, baseline.workload);
      if (!ours) continue;
      const rounds = Math.min(ours.repetitions.length, baseline.repetitions.length);
      const ratios = Array.from({ length: rounds }, (_, round) => comparison.ratio(ours.repetitions[round]!, baseline.repetitions[round]!));
      const finite = ratios.filter((ratio) => Number.isFinite(ratio) && ratio > 0);
      if (finite.length === 0) continue;
      const ratio = spreadOf(finite);
      const { bound } = comparison;
      found.push({
        measure: comparison.measure,
        workload: baseline.workload,
        ours: comparison.ours,
        baseline: comparison.baseline,
        ratio,
        bound,
        withinBound: bound.at === 'most' ? ratio.median <= bound.value : ratio.median >= bound.value,
      });
    }
  }
  return found;
}

/** `store-46b: client latency (mean), http1 ÷ bare-undici: 1.12 (1.05–1.20)× (target ≤ 1.3×, met)`, for both reports. */
export function overheadLine(entry: Overhead): string {
  const target = `target ${entry.bound.at === 'most' ? '≤' : '≥'} ${entry.bound.value}×, ${entry.withinBound ? 'met' : 'MISSED'}`;
  return `${entry.workload}: ${entry.measure}, ${entry.ours} ÷ ${entry.baseline}: ${spread(entry.ratio)}× (${target})`;
}
