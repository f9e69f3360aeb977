import { constants } from 'node:http2';
import { GovcError, type ErrorCode } from '@govc/core';

/**
 * What the client's runtime (sockets, TLS, undici, `node:http2`) throws, mapped to the closed
 * set of codes. The one place where this transport turns runtime failures into `GovcError`s.
 */

// errno and TLS codes: the connection could not be made or was lost, so the call may be retried.
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  // DNS: no such host, or the resolver failed; gRPC reports name resolution failures as unavailable.
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  // The peer went away in the middle of a body.
  'ERR_STREAM_PREMATURE_CLOSE',
  // TLS handshake failures are unavailable, as in gRPC: the server could not be reached securely.
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  // undici: the socket failed or closed, the connect timed out, or the pool is closed/destroyed.
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  // undici's `InformationalError` ('reset', 'socket idle timeout'): the connection was dropped under the call.
  'UND_ERR_INFO',
  // node:http2: the session was refused, lost or told to go away; new streams cannot run on it.
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_ERROR',
  'ERR_HTTP2_PING_CANCEL',
  // A stream destroyed before it was sent, because its session died (connect failure, GOAWAY).
  'ERR_HTTP2_STREAM_CANCEL',
]);

const codeByErrno: Readonly<Record<string, ErrorCode>> = {
  // undici's own abort (no reason given): the caller canceled.
  UND_ERR_ABORTED: 'canceled',
  // Only with headersTimeout / bodyTimeout, which this transport turns off in favour of deadlines.
  UND_ERR_HEADERS_TIMEOUT: 'deadline_exceeded',
  UND_ERR_BODY_TIMEOUT: 'deadline_exceeded',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'resource_exhausted',
  // A header value the caller passed is not valid HTTP: bad input, not a server fault.
  UND_ERR_INVALID_ARG: 'invalid_argument',
  ERR_INVALID_CHAR: 'invalid_argument',
  ERR_INVALID_HTTP_TOKEN: 'invalid_argument',
  ERR_HTTP2_INVALID_HEADER_VALUE: 'invalid_argument',
  ERR_HTTP2_INVALID_CONNECTION_HEADERS: 'invalid_argument',
  ERR_HTTP2_HEADER_SINGLE_VALUE: 'invalid_argument',
};

/**
 * RST_STREAM / GOAWAY codes as gRPC maps them (grpc/doc/PROTOCOL-HTTP2.md, "Errors"): a refused
 * stream was never processed, so it is `unavailable` and safe to retry; the peer's CANCEL is
 * `canceled`; ENHANCE_YOUR_CALM is the peer shedding load; anything else is a protocol fault.
 */
export function codeFromHttp2ErrorCode(code: number): ErrorCode {
  switch (code) {
    case constants.NGHTTP2_REFUSED_STREAM:
      return 'unavailable';
    case constants.NGHTTP2_CANCEL:
      return 'canceled';
    case constants.NGHTTP2_ENHANCE_YOUR_CALM:
      return 'resource_exhausted';
    case constants.NGHTTP2_INADEQUATE_SECURITY:
      return 'permission_denied';
    // A stream reset without an error before its response ended: the server dropped it.
    case constants.NGHTTP2_NO_ERROR:
      return 'unavailable';
    default:
      return 'internal';
  }
}

/** The errno-like `code` of an error, or `undefined`. */
function codeOf(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Turns what the runtime threw into a `GovcError`: a `GovcError` as it is, aborts as `canceled`
 * (`deadline_exceeded` for a timeout), connection failures as `unavailable`, HTTP/2 stream resets
 * by their RST code, anything unrecognised as `internal`, keeping the original as `cause`.
 */
export function errorFromRuntime(error: unknown): GovcError {
  if (error instanceof GovcError) return error;
  if (!(error instanceof Error)) return GovcError.from(error, 'internal');
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return GovcError.from(error);
  const code = codeOf(error);
  if (code === 'ERR_HTTP2_STREAM_ERROR') {
    // Node names the RST code in the message ("Stream closed with error code NGHTTP2_CANCEL").
    const name = /NGHTTP2_[A-Z_0-9]+/.exec(error.message)?.[0];
    const value = name === undefined ? undefined : (constants as unknown as Record<string, number | undefined>)[name];
    return new GovcError(value === undefined ? 'internal' : codeFromHttp2ErrorCode(value), error.message, { cause: error });
  }
  if (code !== undefined) {
    if (unavailableCodes.has(code)) {
      return new GovcError('unavailable', error.message, { cause: error });
    }
    const mapped = codeByErrno[code];
    if (mapped) return new GovcError(mapped, error.message, { cause: error });
  }
  const cause = error.cause;
  if (cause instanceof Error && cause !== error) {
    const inner = errorFromRuntime(cause);
    if (inner.code !== 'internal') return new GovcError(inner.code, error.message, { cause: error });
  }
  // Anything else (a server breaking HTTP framing, llhttp's HPE_* parse errors, a bug) is internal.
  return new GovcError('internal', error.message, { cause: error });
}
