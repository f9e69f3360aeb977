import { constants } from 'node:http2';
import { describe, expect, it } from 'vitest';
import { GovcError } from '@govc/core';
import { codeFromHttp2ErrorCode, errorFromRuntime } from '../../src/client/runtime-errors.js';

function errno(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('errorFromRuntime', () => {
  it.each([
    ['ECONNREFUSED', 'unavailable'],
    ['ECONNRESET', 'unavailable'],
    ['EPIPE', 'unavailable'],
    ['ENOTFOUND', 'unavailable'],
    ['ERR_STREAM_PREMATURE_CLOSE', 'unavailable'],
    ['UND_ERR_SOCKET', 'unavailable'],
    ['UND_ERR_CLOSED', 'unavailable'],
    ['UND_ERR_INFO', 'unavailable'],
    ['ERR_HTTP2_GOAWAY_SESSION', 'unavailable'],
    ['ERR_HTTP2_INVALID_SESSION', 'unavailable'],
    ['ERR_HTTP2_STREAM_CANCEL', 'unavailable'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'unavailable'],
    ['UND_ERR_ABORTED', 'canceled'],
    ['UND_ERR_INVALID_ARG', 'invalid_argument'],
    ['ERR_HTTP2_INVALID_CONNECTION_HEADERS', 'invalid_argument'],
    ['HPE_INVALID_CONSTANT', 'internal'],
  ] as const)('maps %s to %s', (code, expected) => {
    const error = errorFromRuntime(errno(code));
    expect(error.code).toBe(expected);
    expect((error.cause as Error).message).toBe(code);
  });

  it('maps HTTP/2 stream resets by their RST code', () => {
    const reset = (name: string) => errorFromRuntime(errno('ERR_HTTP2_STREAM_ERROR', `Stream closed with error code ${name}`)).code;
    expect(reset('NGHTTP2_REFUSED_STREAM')).toBe('unavailable');
    expect(reset('NGHTTP2_CANCEL')).toBe('canceled');
    expect(reset('NGHTTP2_ENHANCE_YOUR_CALM')).toBe('resource_exhausted');
    expect(reset('NGHTTP2_PROTOCOL_ERROR')).toBe('internal');
    expect(codeFromHttp2ErrorCode(constants.NGHTTP2_INADEQUATE_SECURITY)).toBe('permission_denied');
    expect(codeFromHttp2ErrorCode(constants.NGHTTP2_NO_ERROR)).toBe('unavailable');
  });

  it('keeps GovcErrors, and maps aborts and timeouts', () => {
    const own = new GovcError('not_found', 'x');
    expect(errorFromRuntime(own)).toBe(own);
    expect(errorFromRuntime(new DOMException('stop', 'AbortError')).code).toBe('canceled');
    expect(errorFromRuntime(new DOMException('late', 'TimeoutError')).code).toBe('deadline_exceeded');
  });

  it('looks through a wrapper to its cause, and calls anything unknown internal', () => {
    expect(errorFromRuntime(new Error('fetch failed', { cause: errno('ECONNRESET') })).code).toBe('unavailable');
    expect(errorFromRuntime(new Error('surprise')).code).toBe('internal');
    expect(errorFromRuntime('a string').code).toBe('internal');
  });
});
