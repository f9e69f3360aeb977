import { familyHeader, formatValue } from './exposition.js';
import { MetricFamily, type MetricOptions } from './metric-family.js';

/** One counter series: only ever goes up. */
export interface CounterSeries {
  readonly value: number;
  /** Adds `by` (default 1); a negative amount is a `RangeError`, since counters never go down. */
  inc(by?: number): void;
}

/** Options of a counter. */
export interface CounterOptions extends MetricOptions {
  /**
   * Called just before each scrape to bring the counter up to a total that something else keeps
   * (the service's own counts), by `inc`-ing the difference. Default none.
   */
  readonly collect?: (counter: Counter) => void;
}

class CounterValue implements CounterSeries {
  value = 0;

  inc(by = 1): void {
    if (!(by >= 0)) throw new RangeError(`a counter cannot be increased by ${by}`);
    this.value += by;
  }
}

/** A Prometheus counter: a monotonically increasing total per label combination. */
export class Counter extends MetricFamily<CounterSeries> {
  readonly #collect: ((counter: Counter) => void) | undefined;

  constructor(options: CounterOptions) {
    super(options);
    this.#collect = options.collect;
  }

  protected create(): CounterSeries {
    return new CounterValue();
  }

  render(): string {
    this.#collect?.(this);
    let text = familyHeader(this.name, this.help, 'counter');
    for (const { formatted, series } of this.entries()) text += `${this.name}${formatted} ${formatValue(series.value)}\n`;
    return text;
  }
}
