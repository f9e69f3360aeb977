import type { Readable } from 'node:stream';
import { GovcError } from '@govc/core';
import { headerValue, type WireResponse } from './wire-client.js';

function tooLarge(bytes: number, maxBytes: number): GovcError {
  return new GovcError('resource_exhausted', `response body of ${bytes} bytes is over the limit of ${maxBytes}`);
}

// Every unary call reads a body: its listeners are module functions that find their state on the
// stream, so a call allocates no closures for them.
const kCollector = Symbol('govc.bodyCollector');

type Tagged = Readable & { [kCollector]?: BodyCollector };

/** One body being read: its chunks so far, and how the read ends. */
class BodyCollector {
  readonly chunks: Buffer[] = [];
  total = 0;
  // Once settled, the body is done with: its listeners are left to go with it.
  settled = false;

  constructor(
    readonly response: WireResponse,
    readonly maxBytes: number,
    readonly resolve: (bytes: Uint8Array) => void,
    readonly reject: (error: unknown) => void,
  ) {}

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
}

function onBodyData(this: Tagged, chunk: Buffer): void {
  const collector = this[kCollector]!;
  if (collector.settled) return;
  collector.total += chunk.byteLength;
  if (collector.total > collector.maxBytes) {
    collector.fail(tooLarge(collector.total, collector.maxBytes));
    collector.response.cancel();
    return;
  }
  collector.chunks.push(chunk);
}

function onBodyEnd(this: Tagged): void {
  const collector = this[kCollector]!;
  if (collector.settled) return;
  collector.settled = true;
  const { chunks, total } = collector;
  collector.resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
}

function onBodyError(this: Tagged, error: Error): void {
  this[kCollector]!.fail(error);
}

function onBodyClose(this: Tagged): void {
  const collector = this[kCollector]!;
  if (!collector.settled) collector.fail(new GovcError('unavailable', 'response body ended early'));
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
  const body = response.body as Tagged;
  return new Promise<Uint8Array>((resolve, reject) => {
    body[kCollector] = new BodyCollector(response, maxBytes, resolve, reject);
    body.on('data', onBodyData).on('end', onBodyEnd).on('error', onBodyError).on('close', onBodyClose);
  });
}
