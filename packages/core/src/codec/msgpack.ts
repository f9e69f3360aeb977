import { Packr, type Options } from 'msgpackr';
import { GovcError } from '../errors/govc-error.js';
import type { Codec } from './codec.js';
import { widenIntegers } from './msgpack-integers.js';

// Plain maps only: no records, no msgpackr-specific extension types, so any MessagePack
// implementation can talk to us and hostile input cannot make us build anything but data.
// `skipValues` (msgpackr ≥ 1.10) drops absent optional fields instead of writing msgpackr's own
// `undefined` extension; `int64AsType: 'auto'` reads a uint64/int64 (which other implementations
// write even for small values) as a number when it is safe and as a BigInt, which `checkMessage`
// rejects, when it is not. The type declarations lag behind both options.
// `structuredClone: false` refuses msgpackr's reference extensions, which build cyclic values.
const options = {
  useRecords: false,
  moreTypes: false,
  mapsAsObjects: true,
  structuredClone: false,
  skipValues: [undefined],
  int64AsType: 'auto',
};
const packr = new Packr(options as Options);

/** An error's message cut to a length that says what went wrong without echoing the input. */
function boundedMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}

/**
 * MessagePack via msgpackr, with `bytes` fields as `bin` and integers always as integers (past
 * 32 bits as int64, where msgpackr alone would write a float64). `decode` throws `invalid_argument` for
 * malformed or truncated input, trailing bytes, or a top level that is not a map. Decoded
 * `bytes` fields are views into the input buffer: copy what you keep.
 */
export const msgpackCodec: Codec = {
  name: 'msgpack',
  contentType: 'application/msgpack',
  encode(type, message) {
    return packr.pack(widenIntegers(type, message));
  },
  decode(type, bytes) {
    let value: unknown;
    let end = 0;
    try {
      // Read as a sequence that stops after its first value: msgpackr's `unpack` builds its
      // trailing-bytes error by JSON-serialising the whole decoded value, which costs seconds
      // for a large body. Here that error costs nothing beyond the decode.
      packr.unpackMultiple(bytes, (first: unknown, _start?: number, firstEnd?: number) => {
        value = first;
        end = firstEnd ?? 0;
        return false;
      });
    } catch (error) {
      throw new GovcError('invalid_argument', `malformed MessagePack: ${boundedMessage(error)}`, { cause: error });
    }
    if (end !== bytes.byteLength) {
      throw new GovcError('invalid_argument', `malformed MessagePack: ${bytes.byteLength - end} trailing bytes after the message`);
    }
    // Maps decode as plain objects; arrays, bin, ext values (Date, Set, …) and 0xc1 are other objects.
    if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) {
      throw new GovcError('invalid_argument', `malformed MessagePack: expected a map for ${type.typeName}`);
    }
    return value;
  },
};
