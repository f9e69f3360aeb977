import { formatLabels } from './exposition.js';

/** What every metric is declared with. */
export interface MetricOptions {
  /** The metric name, `[a-zA-Z_:][a-zA-Z0-9_:]*` (counters end in `_total` by convention). */
  readonly name: string;
  /** One line saying what is measured, shown as `# HELP`. */
  readonly help: string;
  /** The label names, in the order `labels(...)` takes their values. Default none. */
  readonly labelNames?: readonly string[];
  /**
   * Label combinations kept before new ones are folded into one series whose every label is
   * `other`. Default 1,000: a label fed from client input (an unknown method name) can then not
   * grow the process or the scrape without bound.
   */
  readonly maxSeries?: number;
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** One series of a family: its rendered labels and its state. */
interface Entry<S> {
  readonly labels: readonly string[];
  readonly formatted: string;
  readonly series: S;
}

/**
 * A named metric and its series, one per combination of label values. Subclasses say what a
 * series holds and how it renders; this keeps the label bookkeeping in one place.
 */
export abstract class MetricFamily<S> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly #maxSeries: number;
  readonly #entries = new Map<string, Entry<S>>();

  constructor(options: MetricOptions) {
    if (!metricName.test(options.name)) throw new TypeError(`invalid metric name ${JSON.stringify(options.name)}`);
    const labelNames = options.labelNames ?? [];
    for (const name of labelNames) {
      if (!labelName.test(name) || name.startsWith('__')) throw new TypeError(`invalid label name ${JSON.stringify(name)}`);
    }
    this.name = options.name;
    this.help = options.help;
    this.labelNames = labelNames;
    this.#maxSeries = options.maxSeries ?? 1000;
  }

  /** The series for these label values (in `labelNames` order), made on first use. */
  labels(...values: string[]): S {
    if (values.length !== this.labelNames.length) {
      throw new TypeError(`${this.name} takes ${this.labelNames.length} label values, got ${values.length}`);
    }
    const key = values.join('\u0000');
    const entry = this.#entries.get(key);
    if (entry) return entry.series;
    if (this.#entries.size >= this.#maxSeries) return this.#overflow();
    return this.#add(key, values);
  }

  /** Every series with its label values, in the order they were first used. */
  protected entries(): Iterable<Entry<S>> {
    // A metric without labels has its one series from the start, so a scrape shows it at zero.
    if (this.labelNames.length === 0 && this.#entries.size === 0) this.#add('', []);
    return this.#entries.values();
  }

  /** A new, zeroed series. */
  protected abstract create(): S;

  /** The family's lines in the exposition format, header included. */
  abstract render(): string;

  #add(key: string, values: readonly string[]): S {
    const entry = { labels: values, formatted: formatLabels(this.labelNames, values), series: this.create() };
    this.#entries.set(key, entry);
    return entry.series;
  }

  #overflow(): S {
    const values = this.labelNames.map(() => 'other');
    const key = values.join('\u0000');
    return this.#entries.get(key)?.series ?? this.#add(key, values);
  }
}
