import { GovcError, type Codec, type MessageDescriptor } from '@govc/core';
import { gzipCompression } from '@govc/core/node';

/**
 * What the server sent, as the caller sees it: a response the codec cannot read is the server's
 * fault, so `internal` rather than the codec's `invalid_argument` (which would blame the caller).
 */
export function decodeResponse(codec: Codec, type: MessageDescriptor, bytes: Uint8Array): unknown {
  try {
    return codec.decode(type, bytes);
  } catch (error) {
    throw new GovcError('internal', `malformed response: ${GovcError.from(error).rawMessage}`, { cause: error });
  }
}

/**
 * Inflates a gzip response body or envelope, capped at `maxBytes` (over it: `resource_exhausted`);
 * bytes that are not gzip are `internal`, the server's fault like any malformed response.
 */
export async function inflateResponse(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  try {
    return await gzipCompression.decompress(bytes, maxBytes);
  } catch (error) {
    const govc = GovcError.from(error);
    if (govc.code === 'resource_exhausted') throw govc;
    throw new GovcError('internal', `malformed response: ${govc.rawMessage}`, { cause: error });
  }
}
