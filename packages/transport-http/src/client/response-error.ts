import { GovcError, isErrorCode, type ErrorCode } from '@govc/core';
import { codeFromHttpStatus } from '@govc/core/protocol';
import { gzipCompression, headerValue, readResponseBody } from '@govc/core/node';
import { retryAfterMsHeader } from '../protocol/wire.js';
import type { WireResponse } from './wire-client.js';

// An error body is `{code, message}`; anything longer is not ours, and is not read in full.
const maxErrorBodyBytes = 64 * 1024;

const decoder = new TextDecoder();

/** The `{code, message}` of an error body, or `undefined` when the body is not that JSON. */
function parseErrorBody(bytes: Uint8Array): { code: ErrorCode; message: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { code, message } = value as { code?: unknown; message?: unknown };
  if (!isErrorCode(code)) return undefined;
  return { code, message: typeof message === 'string' ? message : '' };
}

async function readErrorBody(response: WireResponse): Promise<Uint8Array | undefined> {
  try {
    const bytes = await readResponseBody(response, maxErrorBodyBytes);
    const encoding = headerValue(response.headers, 'content-encoding');
    return encoding === gzipCompression.name ? await gzipCompression.decompress(bytes, maxErrorBodyBytes) : bytes;
  } catch {
    return undefined;
  }
}

/**
 * The error a non-200 response stands for: its JSON body's `{code, message}` (README "Unary
 * methods"), or, for a body that is not that (a proxy's page, say), the code Connect gives the
 * status; `govc-retry-after-ms` becomes `retryAfterMs`.
 */
export async function errorFromResponse(response: WireResponse): Promise<GovcError> {
  const body = await readErrorBody(response);
  const parsed = body === undefined ? undefined : parseErrorBody(body);
  const retryAfter = Number(headerValue(response.headers, retryAfterMsHeader));
  const options = Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterMs: retryAfter } : {};
  if (parsed) return new GovcError(parsed.code, parsed.message, options);
  return new GovcError(codeFromHttpStatus(response.status), `HTTP status ${response.status}`, options);
}
