import { isErrorCode, type ErrorCode } from './code.js';

/** Optional facts an error carries beyond its code and message. */
export interface GovcErrorOptions {
  /** The error this one wraps, for logs; never sent over the wire. */
  readonly cause?: unknown;
  /** Server pushback: how long the server asks the client to wait before a retry. */
  readonly retryAfterMs?: number;
  /**
   * The server-side limit this error enforces (`message_bytes`, `inflated_bytes`, `memory`, …),
   * for metrics; never sent over the wire.
   */
  readonly limit?: string;
}

// Shared by every copy of this module (two installed versions of core, a bundle next to a
// package), so that `instanceof GovcError` holds for an error made by any of them.
const kGovcError = Symbol.for('govc.GovcError');

/**
 * The one error class of govc. Every failure a caller sees is a `GovcError` with a code of the
 * closed set, on every transport.
 */
export class GovcError extends Error {
  override readonly name = 'GovcError';
  readonly code: ErrorCode;
  /** The message without the `[code]` prefix, as it travels on the wire. */
  readonly rawMessage: string;
  readonly retryAfterMs: number | undefined;
  /** See {@link GovcErrorOptions.limit}. */
  readonly limit: string | undefined;

  constructor(code: ErrorCode, message: string, options: GovcErrorOptions = {}) {
    super(message ? `[${code}] ${message}` : `[${code}]`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.rawMessage = message;
    this.retryAfterMs = options.retryAfterMs;
    this.limit = options.limit;
  }

  /** Whether `value` is a `GovcError` made by any copy of this module (see `kGovcError`). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses inherit this method: for them, the ordinary prototype-chain test.
    if (this !== GovcError) return Function.prototype[Symbol.hasInstance].call(this, value);
    if (typeof value !== 'object' || value === null) return false;
    try {
      return (value as { [kGovcError]?: unknown })[kGovcError] === true;
    } catch {
      return false; // a Proxy whose get trap throws is no GovcError, and `from` must never throw
    }
  }

  /**
   * Turns anything thrown into a `GovcError`: a `GovcError` passes through; an `AbortError`
   * (or an aborted signal's `TimeoutError`) becomes `canceled` (`deadline_exceeded`); any other
   * value is `unknown` (or `fallback`) with the original kept as `cause`.
   */
  static from(value: unknown, fallback: ErrorCode = 'unknown'): GovcError {
    if (value instanceof GovcError) return value;
    if (value instanceof Error) {
      if (value.name === 'TimeoutError') return new GovcError('deadline_exceeded', value.message, { cause: value });
      if (value.name === 'AbortError') return new GovcError('canceled', value.message, { cause: value });
      return new GovcError(fallback, value.message, { cause: value });
    }
    return new GovcError(fallback, describe(value), { cause: value });
  }

  /** The `{code, message}` wire form every binding sends for an error. */
  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.rawMessage };
  }

  /**
   * Reads an error from its `{code, message}` wire form; anything that does not have that shape
   * becomes `unknown` (or `fallback`) rather than a crash.
   */
  static fromJSON(value: unknown, fallback: ErrorCode = 'unknown'): GovcError {
    if (typeof value === 'object' && value !== null) {
      const { code, message } = value as { code?: unknown; message?: unknown };
      const text = typeof message === 'string' ? message : '';
      if (isErrorCode(code)) return new GovcError(code, text);
      return new GovcError(fallback, text || 'malformed error body');
    }
    return new GovcError(fallback, 'malformed error body');
  }
}

Object.defineProperty(GovcError.prototype, kGovcError, { value: true });

// String() throws for a null-prototype object or a throwing toString; `from` must never throw.
function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'unprintable thrown value';
  }
}
