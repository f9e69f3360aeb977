import { Packr, type Options } from 'msgpackr';
import { GovcError } from '../errors/govc-error.js';
import type { Codec } from './codec.js';

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

/**
 * MessagePack via msgpackr, with `bytes` fields as `bin`. `decode` throws `invalid_argument` for
 * malformed or truncated input, trailing bytes, or a top level that is not a map. Decoded
 * `bytes` fields are views into the input buffer: copy what you keep.
 */
export const msgpackCodec: Codec = {
  name: 'msgpack',
  contentType: 'application/msgpack',
  encode(_type, message) {
    return packr.pack(message);
  },
  decode(type, bytes) {
    let value: unknown;
    try {
      value = packr.unpack(bytes);
    } catch (error) {
      throw new GovcError('invalid_argument', `malformed MessagePack: ${(error as Error).message}`, { cause: error });
    }
    // Maps decode as plain objects; arrays, bin, ext values (Date, Set, …) and 0xc1 are other objects.
    if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) {
      throw new GovcError('invalid_argument', `malformed MessagePack: expected a map for ${type.typeName}`);
    }
    return value;
  },
};
