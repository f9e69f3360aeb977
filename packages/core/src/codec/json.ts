import { GovcError } from '../errors/govc-error.js';
import { dynamicType } from '../schema/check.js';
import type { FieldDescriptor, MessageDescriptor } from '../schema/message.js';
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import type { Codec } from './codec.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

// Whether a message type holds bytes anywhere below it; types that do not are passed to
// JSON.stringify / JSON.parse untouched, which keeps the common small message cheap.
const holdsBytesCache = new WeakMap<MessageDescriptor, boolean>();
function holdsBytes(type: MessageDescriptor): boolean {
  let known = holdsBytesCache.get(type);
  if (known === undefined) {
    holdsBytesCache.set(type, false); // breaks cycles
    known = type.fields.some(
      (f) => f.kind === 'bytes' || f.kind === 'request' || f.kind === 'response' || (f.kind === 'message' && holdsBytes(f.message!)),
    );
    holdsBytesCache.set(type, known);
  }
  return known;
}

type Convert = (value: unknown, path: string) => unknown;

/** Applies `convert` to each bytes field of `value` (a message of `type`), returning a copy. */
function mapBytes(type: MessageDescriptor, value: unknown, path: string, convert: Convert): unknown {
  if (!holdsBytes(type) || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = { ...record };
  for (const field of type.fields) {
    const fieldValue = record[field.name];
    if (fieldValue === undefined || fieldValue === null) continue;
    const fieldPath = path ? `${path}.${field.name}` : field.name;
    out[field.name] =
      Array.isArray(fieldValue) && field.repeated
        ? fieldValue.map((item, i) => mapField(field, item, `${fieldPath}[${i}]`, record, convert))
        : mapField(field, fieldValue, fieldPath, record, convert);
  }
  return out;
}

function mapField(field: FieldDescriptor, value: unknown, path: string, parent: Record<string, unknown>, convert: Convert): unknown {
  switch (field.kind) {
    case 'bytes':
      return convert(value, path);
    case 'message':
      return mapBytes(field.message!, value, path, convert);
    case 'request':
    case 'response':
      return mapBytes(dynamicType(field, parent, path), value, path, convert);
    default:
      return value;
  }
}

function toBase64(value: unknown, path: string): unknown {
  if (value instanceof Uint8Array) return encodeBase64(value);
  throw new GovcError('invalid_argument', `${path}: expected bytes`);
}

function fromBase64(value: unknown, path: string): unknown {
  if (typeof value === 'string') return decodeBase64(value, path);
  throw new GovcError('invalid_argument', `${path}: expected base64 bytes`);
}

/**
 * JSON with `bytes` fields as base64 (standard alphabet on output; standard or URL-safe, padded
 * or not, on input). `decode` throws `invalid_argument` for invalid UTF-8, malformed JSON, a
 * top level that is not an object, or a bytes field that is not valid base64; `encode` throws
 * `invalid_argument` when a bytes field does not hold a `Uint8Array`.
 */
export const jsonCodec: Codec = {
  name: 'json',
  contentType: 'application/json',
  encode(type, message) {
    return encoder.encode(JSON.stringify(mapBytes(type, message, '', toBase64)));
  },
  decode(type, bytes) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoder.decode(bytes));
    } catch (error) {
      throw new GovcError('invalid_argument', `malformed JSON: ${(error as Error).message}`, { cause: error });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new GovcError('invalid_argument', `malformed JSON: expected an object for ${type.typeName}`);
    }
    return mapBytes(type, parsed, '', fromBase64);
  },
};
