import { build, type Histogram } from 'hdr-histogram-js';

/** Latency figures of one repetition, in µs. */
export interface LatencyFigures {
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Op latencies in an HDR histogram (1 µs to 60 s at 3 significant digits): constant memory and
 * cost per op however many ops a cell runs, unlike a sorted array of samples.
 */
export class LatencyHistogram {
  readonly #histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });

  /** Records one op that took `micros` µs. */
  record(micros: number): void {
    this.#histogram.recordValue(Math.max(1, Math.round(micros)));
  }

  get count(): number {
    return this.#histogram.totalCount;
  }

  figures(): LatencyFigures {
    const histogram = this.#histogram;
    return {
      mean: histogram.mean,
      p50: histogram.getValueAtPercentile(50),
      p99: histogram.getValueAtPercentile(99),
      max: histogram.maxValue,
    };
  }
}
