import { batchOpType } from '../schema/check.js';
import type { FieldDescriptor, MessageDescriptor } from '../schema/message.js';

// msgpackr writes an integer outside the 32-bit range as a float64, and strict decoders in
// other languages refuse a float for an integer field (`createdAt`, `Date.now()`, is one).
// A BigInt it writes as int64: so integer fields past 32 bits become BigInts, in a copy made
// only for the messages that have such a value. Types that cannot hold an integer (StoreBlob,
// the hot path) are passed through without a look at their fields.

const isWide = (value: unknown): value is number =>
  typeof value === 'number' && (value > 0xffff_ffff || value < -0x8000_0000) && Number.isInteger(value);

function isInteger(field: FieldDescriptor): boolean {
  return field.kind === 'int' || field.kind === 'uint';
}

const holdsIntegers = new WeakMap<MessageDescriptor, boolean>();

/** Whether a message of `type` can hold an integer field, at any depth (batch ops: always). */
function mayHoldIntegers(type: MessageDescriptor): boolean {
  let known = holdsIntegers.get(type);
  if (known === undefined) {
    holdsIntegers.set(type, false); // a type that contains itself adds nothing
    known = type.fields.some(
      (field) =>
        isInteger(field) ||
        field.kind === 'request' ||
        field.kind === 'response' ||
        (field.kind === 'message' && mayHoldIntegers(field.message!)),
    );
    holdsIntegers.set(type, known);
  }
  return known;
}

function fieldType(field: FieldDescriptor, parent: Record<string, unknown>): MessageDescriptor | undefined {
  if (field.kind === 'message') return field.message;
  if (field.kind === 'request' || field.kind === 'response') return batchOpType(field, parent);
  return undefined;
}

/** `value` of `field` with its wide integers as BigInts; the same value when it has none. */
function widenField(field: FieldDescriptor, value: unknown, parent: Record<string, unknown>): unknown {
  if (isInteger(field)) {
    if (field.repeated && Array.isArray(value))
      return value.some(isWide) ? value.map((one: unknown) => (isWide(one) ? BigInt(one) : one)) : value;
    return isWide(value) ? BigInt(value) : value;
  }
  const type = fieldType(field, parent);
  if (!type) return value;
  if (field.repeated && Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((one: unknown, index) => {
      const widened = widenIntegers(type, one);
      if (widened !== one) (out ??= value.slice())[index] = widened;
    });
    return out ?? value;
  }
  return widenIntegers(type, value);
}

/** `message` with every integer field past 32 bits as a BigInt, copied only where one is. */
export function widenIntegers(type: MessageDescriptor, message: unknown): unknown {
  if (typeof message !== 'object' || message === null || !mayHoldIntegers(type)) return message;
  const record = message as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const field of type.fields) {
    const value = record[field.name];
    if (value === undefined) continue;
    const widened = widenField(field, value, record);
    if (widened !== value) (out ??= { ...record })[field.name] = widened;
  }
  return out ?? message;
}
