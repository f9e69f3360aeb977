/** The header (gRPC metadata) that makes a non-idempotent call safe to repeat, per SPEC "Idempotency". */
export const idempotencyKeyHeader = 'idempotency-key';

/**
 * A fresh idempotency key: a random UUID from Web Crypto, so the main entry stays browser-safe
 * (browsers offer `randomUUID` in secure contexts only).
 */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}
