import { gunzip, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { GovcError } from '../errors/govc-error.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** A compressor as a plain object, like the codecs: `{ name, compress, decompress }`. */
export interface Compression {
  /** The token in `Content-Encoding` / `grpc-encoding`: `gzip`. */
  readonly name: string;
  compress(bytes: Uint8Array): Promise<Uint8Array>;
  /**
   * Inflates `bytes`, refusing to produce more than `maxBytes`: a body over the cap is
   * `resource_exhausted` (a gzip bomb never gets inflated in full); bytes that are not valid
   * gzip are `invalid_argument`.
   */
  decompress(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array>;
}

/** gzip at level 1: most of the size win for a fraction of the CPU of the default level. */
export const gzipCompression: Compression = {
  name: 'gzip',
  async compress(bytes) {
    return gzipAsync(bytes, { level: 1 });
  },
  async decompress(bytes, maxBytes) {
    try {
      return await gunzipAsync(bytes, { maxOutputLength: Math.max(1, maxBytes) });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || (error as RangeError).name === 'RangeError') {
        throw new GovcError('resource_exhausted', `inflated body is larger than ${maxBytes} bytes`, {
          cause: error,
          limit: 'inflated_bytes',
        });
      }
      throw new GovcError('invalid_argument', `malformed gzip body: ${(error as Error).message}`, { cause: error });
    }
  },
};

/** The compressions this package knows, by name. */
export function findCompression(name: string): Compression | undefined {
  return name === gzipCompression.name ? gzipCompression : undefined;
}
