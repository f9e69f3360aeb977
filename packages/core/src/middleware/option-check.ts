/** Checks a numeric option once, when the middleware is created: a bad value fails loudly then, not on some later call. */
export function atLeast(name: string, value: number, min: number): number {
  if (!(value >= min)) throw new RangeError(`${name} must be a number >= ${min}, got ${value}`);
  return value;
}

/** Checks that a numeric option is above zero, like `atLeast`. */
export function positive(name: string, value: number): number {
  if (!(value > 0)) throw new RangeError(`${name} must be a number > 0, got ${value}`);
  return value;
}
