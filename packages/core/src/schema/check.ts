import { GovcError } from '../errors/govc-error.js';
import type { FieldDescriptor, MessageDescriptor } from './message.js';
import { findMethod } from './methods.js';

/**
 * Checks that `value` has the shape `type` describes: every required field present, every field
 * of its declared type, integers safe, bytes as `Uint8Array`. Unknown fields are ignored, as
 * protobuf does. Throws `invalid_argument` naming the first offending field.
 */
export function checkMessage<T>(type: MessageDescriptor<T>, value: unknown): asserts value is T {
  checkObject(type, value, '');
}

function fail(path: string, expected: string): never {
  throw new GovcError('invalid_argument', `${path || 'message'}: expected ${expected}`);
}

// A batch op's request may leave `repo` out: it defaults to the batch's repository.
const batchDefaults: ReadonlySet<string> = new Set(['repo']);

function checkObject(type: MessageDescriptor, value: unknown, path: string, defaulted?: ReadonlySet<string>): void {
  // A message is a plain record: a Date, Set, Error or msgpackr's 0xc1 marker decoded from an ext
  // type is an object too, and would pass for a message whose fields are all optional.
  const proto: unknown = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (proto !== Object.prototype && proto !== null) fail(path, `a ${type.typeName} object`);
  const record = value as Record<string, unknown>;
  for (const field of type.fields) {
    const fieldValue = record[field.name];
    const fieldPath = path ? `${path}.${field.name}` : field.name;
    if (fieldValue === undefined || fieldValue === null) {
      if (!field.optional && !defaulted?.has(field.name)) fail(fieldPath, `a value (field is required)`);
      continue;
    }
    if (field.repeated) {
      if (!Array.isArray(fieldValue)) fail(fieldPath, 'an array');
      for (let i = 0; i < fieldValue.length; i++) checkValue(field, fieldValue[i], `${fieldPath}[${i}]`, record);
    } else {
      checkValue(field, fieldValue, fieldPath, record);
    }
  }
}

function checkValue(field: FieldDescriptor, value: unknown, path: string, parent: Record<string, unknown>): void {
  switch (field.kind) {
    case 'string':
      if (typeof value !== 'string') fail(path, 'a string');
      return;
    case 'bool':
      if (typeof value !== 'boolean') fail(path, 'a boolean');
      return;
    case 'uint':
      if (!Number.isSafeInteger(value) || (value as number) < 0) fail(path, 'a non-negative integer');
      return;
    case 'int':
      if (!Number.isSafeInteger(value)) fail(path, 'an integer');
      return;
    case 'bytes':
      if (!(value instanceof Uint8Array)) fail(path, 'bytes');
      return;
    case 'message':
      checkObject(field.message!, value, path);
      return;
    case 'request':
    case 'response': {
      const type = dynamicType(field, parent, path);
      checkObject(type, value, path, field.kind === 'request' ? batchDefaults : undefined);
      return;
    }
  }
}

/** The message type of a `request`/`response` field, or `undefined` when its sibling names no batchable method. */
export function batchOpType(field: FieldDescriptor, parent: Record<string, unknown>): MessageDescriptor | undefined {
  const name = parent['method'];
  const method = typeof name === 'string' ? findMethod(name) : undefined;
  if (!method || !method.batchable) return undefined;
  return field.kind === 'request' ? method.input : method.output;
}

/** The message type of a `request`/`response` field: that of the method its sibling names. */
export function dynamicType(field: FieldDescriptor, parent: Record<string, unknown>, path: string): MessageDescriptor {
  const type = batchOpType(field, parent);
  if (!type) throw new GovcError('invalid_argument', `${path}: method ${JSON.stringify(parent['method'])} cannot be batched`);
  return type;
}
