/** The values a numeric option may take. */
export interface OptionRange {
  /** Smallest value allowed. Default: no bound. */
  readonly min?: number;
  /** Values must be greater than this (for options where 0 means nothing sensible). */
  readonly above?: number;
  /** Largest value allowed. Default: `Number.MAX_SAFE_INTEGER` for integers, else no bound. */
  readonly max?: number;
  /** Whole numbers only. Default false. */
  readonly integer?: boolean;
}

/**
 * The one check of a numeric option, on every side (clients, bindings, the service, the
 * server): `fallback` when `value` is left out (a `RangeError` when there is none: the option is
 * required), `value` when it is a number within `range`, and a `RangeError` naming the option
 * otherwise, thrown when the options are resolved rather than on some later call.
 */
export function optionValue(name: string, value: unknown, fallback: number | undefined, range: OptionRange): number {
  if (value === undefined) {
    if (fallback === undefined) throw new RangeError(`${name} is required`);
    return fallback;
  }
  const max = range.max ?? (range.integer ? Number.MAX_SAFE_INTEGER : Number.POSITIVE_INFINITY);
  const fits =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (!range.integer || Number.isInteger(value)) &&
    (range.min === undefined || value >= range.min) &&
    (range.above === undefined || value > range.above) &&
    value <= max;
  if (!fits) throw new RangeError(`${name} must be ${describeRange(range, max)}, got ${describeValue(value)}`);
  return value;
}

function describeRange(range: OptionRange, max: number): string {
  const kind = range.integer ? 'an integer' : 'a number';
  const low = range.min !== undefined ? `>= ${range.min}` : range.above !== undefined ? `> ${range.above}` : undefined;
  const high = Number.isFinite(max) && max !== Number.MAX_SAFE_INTEGER ? `<= ${max}` : undefined;
  return [kind, low, high]
    .filter(Boolean)
    .join(' ')
    .replace(/ (<=)/, low ? ' and $1' : ' $1');
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  // An object's own toString may throw or lie; its tag does neither.
  return (typeof value === 'object' && value !== null) || typeof value === 'function'
    ? Object.prototype.toString.call(value)
    : String(value);
}
