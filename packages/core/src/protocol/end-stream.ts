import { GovcError } from '../errors/govc-error.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The payload of an end-of-stream envelope: `{}` for success, `{ "error": { code, message } }` otherwise. */
export function encodeEndStream(error: GovcError | undefined): Uint8Array {
  return encoder.encode(JSON.stringify(error ? { error: error.toJSON() } : {}));
}

/** Reads an end-of-stream payload; the stream's error, or `undefined` when it ended well. */
export function decodeEndStream(payload: Uint8Array): GovcError | undefined {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(payload));
  } catch {
    return new GovcError('internal', 'malformed end-of-stream message');
  }
  if (typeof value !== 'object' || value === null) return new GovcError('internal', 'malformed end-of-stream message');
  const { error } = value as { error?: unknown };
  return error === undefined ? undefined : GovcError.fromJSON(error, 'internal');
}
