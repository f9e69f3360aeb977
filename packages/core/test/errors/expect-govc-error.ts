import { expect } from 'vitest';
import { GovcError, type ErrorCode } from '../../src/index.js';

/**
 * Runs `fn`, asserts that it throws a `GovcError` with `code` (and a raw message matching
 * `message`, when given), and returns the error for further checks.
 */
export function expectGovcError(fn: () => unknown, code: ErrorCode, message?: RegExp | string): GovcError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a GovcError to be thrown').toBeInstanceOf(GovcError);
  const error = thrown as GovcError;
  expect(error.code).toBe(code);
  if (message !== undefined) expect(error.rawMessage).toMatch(message);
  return error;
}

/** `expectGovcError(fn, 'invalid_argument', message)`: the code every bad input must get. */
export function expectInvalid(fn: () => unknown, message?: RegExp | string): GovcError {
  return expectGovcError(fn, 'invalid_argument', message);
}
