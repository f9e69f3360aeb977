import { familyHeader, formatValue } from './exposition.js';
import { MetricFamily, type MetricOptions } from './metric-family.js';

/** One histogram series. */
export interface HistogramSeries {
  /** Counts `value` in the first bucket whose upper bound is at least `value`. */
  observe(value: number): void;
  readonly count: number;
  readonly sum: number;
}

/** Options of a histogram. */
export interface HistogramOptions extends MetricOptions {
  /** Upper bounds of the buckets, ascending; `+Inf` is always added. */
  readonly buckets: readonly number[];
}

/**
 * Latency buckets in seconds, from 100 µs (an in-memory call on loopback) to 10 s (a large
 * upload), roughly 2.5× apart.
 */
export const latencyBuckets: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

class Buckets implements HistogramSeries {
  count = 0;
  sum = 0;
  /** Per-bucket counts, not cumulative (the last slot is `+Inf`); summed when rendered. */
  readonly counts: Float64Array;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    this.counts[i]! += 1;
    this.count += 1;
    this.sum += value;
  }
}

/** A Prometheus histogram: counts of observations per bucket, their sum and count. */
export class Histogram extends MetricFamily<HistogramSeries> {
  readonly #bounds: readonly number[];
  /** Each bucket's `le` value as rendered, `+Inf` last: the same for every series and scrape. */
  readonly #les: readonly string[];

  constructor(options: HistogramOptions) {
    super(options);
    if (this.labelNames.includes('le')) throw new TypeError('a histogram cannot have an `le` label');
    for (let i = 1; i < options.buckets.length; i++) {
      if (!(options.buckets[i]! > options.buckets[i - 1]!)) throw new TypeError(`${options.name}: buckets must ascend`);
    }
    this.#bounds = options.buckets.filter((bound) => bound !== Infinity);
    this.#les = [...this.#bounds, Infinity].map(formatValue);
  }

  protected create(): HistogramSeries {
    return new Buckets(this.#bounds);
  }

  render(): string {
    let text = familyHeader(this.name, this.help, 'histogram');
    for (const { formatted, series } of this.entries()) {
      const { counts, count, sum } = series as Buckets;
      // The series' own labels, then `le`: its label set with the closing brace left open.
      const bucket = `${this.name}_bucket${formatted === '' ? '{' : `${formatted.slice(0, -1)},`}le="`;
      let cumulative = 0;
      for (let i = 0; i < this.#les.length; i++) {
        cumulative += counts[i]!;
        text += `${bucket}${this.#les[i]!}"} ${cumulative}\n`;
      }
      text += `${this.name}_sum${formatted} ${formatValue(sum)}\n${this.name}_count${formatted} ${count}\n`;
    }
    return text;
  }
}
