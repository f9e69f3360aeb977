import { GovcError, jsonCodec, msgpackCodec, type Codec } from '@govc/core';

/**
 * The plain HTTP binding's names and numbers, shared by client and server. Documented byte for
 * byte in the package README.
 */

/** Unary and streaming methods: `POST /v1/<Method>`. */
export const methodPathPrefix = '/v1/';

/** Raw blob routes: `/v1/repos/<repo>/blobs` and `/v1/repos/<repo>/blobs/<hash>`. */
export const blobRoutePattern = /^\/v1\/repos\/([^/]+)\/blobs(?:\/([^/]+))?$/;

/** Relative deadline in ms, like Connect-Timeout-Ms; the server stops work past it. */
export const timeoutHeader = 'govc-timeout-ms';

/** Server pushback on `resource_exhausted` / `unavailable`, in ms (also sent as seconds in Retry-After). */
export const retryAfterMsHeader = 'govc-retry-after-ms';

/** Streamed bodies (envelopes) say so in their media type: `application/govc-stream+json`. */
const streamPrefix = 'application/govc-stream+';

/** The codecs the binding speaks, by name. */
export const codecs: readonly Codec[] = [jsonCodec, msgpackCodec];

/** The codec of a unary body's `Content-Type`; `undefined` for anything else. */
export function unaryCodecFor(contentType: string | undefined): Codec | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return codecs.find((codec) => codec.contentType === type);
}

/** The codec of a streamed body's `Content-Type`; `undefined` for anything else. */
export function streamCodecFor(contentType: string | undefined): Codec | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!type?.startsWith(streamPrefix)) return undefined;
  const name = type.slice(streamPrefix.length);
  return codecs.find((codec) => codec.name === name);
}

/** The media type of a streamed body in `codec`. */
export function streamContentType(codec: Codec): string {
  return `${streamPrefix}${codec.name}`;
}

/** Parses a `govc-timeout-ms` value: 1 to 10 digits, else `invalid_argument`. */
export function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,10}$/.test(value)) throw new GovcError('invalid_argument', `${timeoutHeader} must be 1-10 digits`);
  return Number(value);
}
