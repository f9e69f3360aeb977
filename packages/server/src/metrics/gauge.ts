import { familyHeader, formatValue } from './exposition.js';
import { MetricFamily, type MetricOptions } from './metric-family.js';

/** One gauge series: a value that goes up and down. */
export interface GaugeSeries {
  readonly value: number;
  set(value: number): void;
  /** Adds `by` (default 1). */
  inc(by?: number): void;
  /** Subtracts `by` (default 1). */
  dec(by?: number): void;
}

/** Options of a gauge. */
export interface GaugeOptions extends MetricOptions {
  /**
   * Called just before each scrape to bring the gauge up to date, for values that are cheaper to
   * read when asked than to track (a store's size). Default none.
   */
  readonly collect?: (gauge: Gauge) => void;
}

class GaugeValue implements GaugeSeries {
  value = 0;

  set(value: number): void {
    this.value = value;
  }

  inc(by = 1): void {
    this.value += by;
  }

  dec(by = 1): void {
    this.value -= by;
  }
}

/** A Prometheus gauge: a current value per label combination. */
export class Gauge extends MetricFamily<GaugeSeries> {
  readonly #collect: ((gauge: Gauge) => void) | undefined;

  constructor(options: GaugeOptions) {
    super(options);
    this.#collect = options.collect;
  }

  protected create(): GaugeSeries {
    return new GaugeValue();
  }

  render(): string {
    this.#collect?.(this);
    let text = familyHeader(this.name, this.help, 'gauge');
    for (const { formatted, series } of this.entries()) text += `${this.name}${formatted} ${formatValue(series.value)}\n`;
    return text;
  }
}
