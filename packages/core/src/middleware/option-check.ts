/** Checks a numeric option once, when the middleware is created: a bad value fails loudly then, not on some later call. */
export function atLeast(name: string, value: number, min: number): number {
  if (!(value >= min)) throw new RangeError(`${name} must be a number >= ${min}, got ${value}`);
  return value;
}
