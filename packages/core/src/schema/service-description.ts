import type { ErrorCode } from '../errors/code.js';
import type { MessageDescriptor } from './message.js';
import { callErrors, methodDocs } from './method-docs.js';
import { govcMethods, govcServiceName, type GovcMethodName, type MethodKind } from './methods.js';

/** One error a method may give, and when. */
export interface ErrorDescription {
  readonly code: ErrorCode;
  readonly when: string;
}

/** A field as the reference shows it. */
export interface FieldDescription {
  readonly name: string;
  readonly no: number;
  /** A scalar kind (`string`, `uint`, `bytes`, …), a message's type name, or `request` / `response` (a batch op's payload). */
  readonly type: string;
  readonly repeated: boolean;
  readonly optional: boolean;
}

/** A message type and its fields, in proto order. */
export interface MessageDescription {
  readonly typeName: string;
  readonly fields: readonly FieldDescription[];
}

/** A method: its call shape, message types, retry facts, summary and own errors. */
export interface MethodDescription {
  readonly name: GovcMethodName;
  readonly kind: MethodKind;
  readonly input: string;
  readonly output: string;
  readonly idempotent: boolean;
  readonly batchable: boolean;
  readonly summary: string;
  readonly errors: readonly ErrorDescription[];
}

/** The whole service as data: what `GET /v1` answers and the API reference is generated from. */
export interface ServiceDescription {
  readonly service: string;
  readonly methods: readonly MethodDescription[];
  /** Every message the methods use, in order of first use. */
  readonly messages: readonly MessageDescription[];
  /** Errors any call may get, beyond each method's own. */
  readonly callErrors: readonly ErrorDescription[];
}

const toErrors = (pairs: readonly (readonly [ErrorCode, string])[]): ErrorDescription[] => pairs.map(([code, when]) => ({ code, when }));

/** Describes `govc.v1.GoVCService` from its schema and method docs. */
export function describeService(): ServiceDescription {
  const messages = new Map<string, MessageDescription>();
  const visit = (descriptor: MessageDescriptor): void => {
    if (messages.has(descriptor.typeName)) return;
    const fields = descriptor.fields.map((field) => ({
      name: field.name,
      no: field.no,
      type: field.message?.typeName ?? field.kind,
      repeated: field.repeated,
      optional: field.optional,
    }));
    messages.set(descriptor.typeName, { typeName: descriptor.typeName, fields });
    for (const field of descriptor.fields) if (field.message) visit(field.message);
  };
  const methods = Object.values(govcMethods).map((method): MethodDescription => {
    visit(method.input);
    visit(method.output);
    const doc = methodDocs[method.name as GovcMethodName];
    return {
      name: method.name as GovcMethodName,
      kind: method.kind,
      input: method.input.typeName,
      output: method.output.typeName,
      idempotent: method.idempotent,
      batchable: method.batchable,
      summary: doc.summary,
      errors: toErrors(doc.errors),
    };
  });
  return { service: govcServiceName, methods, messages: [...messages.values()], callErrors: toErrors(callErrors) };
}
