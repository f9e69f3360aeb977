/**
 * A tiny schema language: each message of the service is declared once as a runtime descriptor,
 * and its TypeScript type is inferred from that descriptor, so the two cannot drift apart.
 */

/** Kinds of scalar field and the JavaScript value each holds. */
export interface ScalarTypes {
  string: string;
  bool: boolean;
  /** A non-negative safe integer (proto `uint64` kept below 2^53). */
  uint: number;
  /** A safe integer (proto `int64` kept within ±2^53). */
  int: number;
  /** Raw bytes: base64 in JSON, bin in MessagePack. */
  bytes: Uint8Array;
}

export type ScalarKind = keyof ScalarTypes;

/**
 * `request` / `response` hold the request or response message of the method named by the
 * sibling field `method` (a batch operation's payload; a `oneof` in the proto).
 */
export type FieldKind = ScalarKind | 'message' | 'request' | 'response';

/** One field of a message, as every codec, checker and the proto see it. */
export interface FieldDescriptor {
  readonly name: string;
  /** The proto field number. */
  readonly no: number;
  readonly kind: FieldKind;
  /** The field's message type when `kind` is `message`. */
  readonly message: MessageDescriptor | undefined;
  readonly repeated: boolean;
  /** Optional fields may be absent; every other field must be present. */
  readonly optional: boolean;
}

/** A message type: its proto name and its fields, in proto order. */
export interface MessageDescriptor<T = unknown> {
  readonly typeName: string;
  readonly fields: readonly FieldDescriptor[];
  /** Phantom: the TypeScript type of this message. Never set at runtime. */
  readonly '~type'?: T;
}

/** The TypeScript type a message descriptor describes. */
export type MessageOf<D> = D extends MessageDescriptor<infer T> ? T : never;

/** A field under construction: runtime facts plus its value type and optionality as types. */
export interface FieldSpec<V, Optional extends boolean> {
  readonly no: number;
  readonly kind: FieldKind;
  readonly message: MessageDescriptor | undefined;
  readonly repeated: boolean;
  readonly optional: Optional;
  readonly '~value'?: V;
}

type AnyFieldSpec = FieldSpec<unknown, boolean>;
type ValueOf<F> = F extends FieldSpec<infer V, boolean> ? V : never;
type RequiredKeys<S> = { [K in keyof S]: S[K] extends FieldSpec<unknown, false> ? K : never }[keyof S];
type OptionalKeys<S> = Exclude<keyof S, RequiredKeys<S>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type Shape<S> = Simplify<{ [K in RequiredKeys<S>]: ValueOf<S[K]> } & { [K in OptionalKeys<S>]?: ValueOf<S[K]> }>;

/** A required scalar field. */
export function scalar<K extends ScalarKind>(no: number, kind: K): FieldSpec<ScalarTypes[K], false> {
  return { no, kind, message: undefined, repeated: false, optional: false };
}

/** A required field holding another message. */
export function nested<T>(no: number, message: MessageDescriptor<T>): FieldSpec<T, false> {
  return { no, kind: 'message', message, repeated: false, optional: false };
}

/** A field holding the request or response of the method named by the sibling field `method`. */
export function dynamic(no: number, kind: 'request' | 'response'): FieldSpec<unknown, false> {
  return { no, kind, message: undefined, repeated: false, optional: false };
}

/** Makes a field repeated: its value is an array. */
export function repeated<V>(spec: FieldSpec<V, false>): FieldSpec<V[], false> {
  return { ...spec, repeated: true } as FieldSpec<V[], false>;
}

/** Makes a field optional: it may be absent. */
export function optional<V>(spec: FieldSpec<V, false>): FieldSpec<V, true> {
  return { ...spec, optional: true } as FieldSpec<V, true>;
}

/** Declares a message type from its fields, in proto order. */
export function message<S extends Record<string, AnyFieldSpec>>(typeName: string, shape: S): MessageDescriptor<Shape<S>> {
  const fields = Object.entries(shape).map(([name, spec]): FieldDescriptor => ({
    name,
    no: spec.no,
    kind: spec.kind,
    message: spec.message,
    repeated: spec.repeated,
    optional: spec.optional,
  }));
  return { typeName, fields };
}
