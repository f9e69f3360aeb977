import { expect } from 'vitest';
import type { ErrorCode } from '../../errors/code.js';
import { GovcError } from '../../errors/govc-error.js';

/** Asserts that `work` rejects with a `GovcError` of `code`, and returns that error. */
export async function expectCode(work: Promise<unknown> | (() => Promise<unknown>), code: ErrorCode): Promise<GovcError> {
  let error: unknown;
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (caught) {
    error = caught;
  }
  expect(error, `expected a GovcError with code ${code}`).toBeInstanceOf(GovcError);
  expect((error as GovcError).code).toBe(code);
  return error as GovcError;
}

/** Reads a whole stream into an array. */
export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

/** Whether `condition` comes to hold within `timeoutMs` (polled every 5 ms). */
export async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) return false;
    await sleep(5);
  }
  return true;
}

/** Waits until `condition` holds, failing with `what` after `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = 2000, what = 'condition not met in time'): Promise<void> {
  if (!(await waitUntil(condition, timeoutMs))) throw new Error(what);
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `count` bytes of a repeatable pseudo-random pattern, so large payloads are not trivially compressible. */
export function patternBytes(count: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(count);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** An async iterable over `items`, for client streams. */
export async function* streamOf<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield item;
}

/** A fixed author, so that commit hashes are the same on every transport. */
export const ada = { name: 'Ada', email: 'ada@example.com', time: 1_700_000_000, tzOffset: '+0000' } as const;

export const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** Whether two byte arrays hold the same bytes (deep equality on megabytes is far too slow in test matchers). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
