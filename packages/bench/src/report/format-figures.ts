import type { Spread } from '../matrix/cell-result.js';

/** A figure as the tables print it: whole numbers from 100 up, else two or three significant digits. */
export function figure(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(value >= 10 ? 1 : 2);
}

/** `median (min–max)`, or the median alone when the range is one value. */
export function spread(value: Spread | undefined): string {
  if (!value) return '';
  return value.min === value.max ? figure(value.median) : `${figure(value.median)} (${figure(value.min)}–${figure(value.max)})`;
}
