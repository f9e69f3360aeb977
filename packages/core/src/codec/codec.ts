import type { MessageDescriptor } from '../schema/message.js';

/**
 * Turns messages into bytes and back. Codecs are plain objects exported as named instances
 * (`jsonCodec`, `msgpackCodec`).
 *
 * `decode` throws `GovcError('invalid_argument')` for bytes that are not a well-formed message of
 * the codec's format (malformed, truncated, trailing bytes, not an object); it does not check
 * field types beyond what it must read, which `checkMessage` does where messages enter the
 * service. Decoded `bytes` fields may be views into the input: copy what you keep.
 */
export interface Codec {
  /** Short name used in options and reports: `json`, `msgpack`. */
  readonly name: string;
  /** The media type of an encoded body: `application/json`, `application/msgpack`. */
  readonly contentType: string;
  encode<T>(type: MessageDescriptor<T>, message: T): Uint8Array;
  decode(type: MessageDescriptor, bytes: Uint8Array): unknown;
}
