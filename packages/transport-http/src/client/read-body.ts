import { GovcError } from '@govc/core';
import { headerValue, type WireResponse } from './wire-client.js';

function tooLarge(bytes: number, maxBytes: number): GovcError {
  return new GovcError('resource_exhausted', `response body of ${bytes} bytes is over the limit of ${maxBytes}`);
}

/**
 * Reads a whole response body, refusing more than `maxBytes`: a body over the limit cancels the
 * call and is `resource_exhausted` (by its `content-length` before any of it is read); a body cut
 * off by the peer is whatever error the runtime reports (see `runtime-errors.ts`).
 */
export function readBody(response: WireResponse, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(headerValue(response.headers, 'content-length'));
  if (declared > maxBytes) {
    response.cancel();
    return Promise.reject(tooLarge(declared, maxBytes));
  }
  const body = response.body;
  return new Promise<Uint8Array>(function collect(resolve, reject) {
    const chunks: Buffer[] = [];
    let total = 0;
    // The body is done with once this settles, so its listeners are left to go with it.
    let settled = false;
    body.on('data', function onData(chunk: Buffer) {
      if (settled) return;
      total += chunk.byteLength;
      if (total > maxBytes) {
        settled = true;
        response.cancel();
        reject(tooLarge(total, maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    body.on('end', function onEnd() {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    });
    body.on('error', function onError(error: Error) {
      if (settled) return;
      settled = true;
      reject(error);
    });
    body.on('close', function onClose() {
      if (settled) return;
      settled = true;
      reject(new GovcError('unavailable', 'response body ended early'));
    });
  });
}
