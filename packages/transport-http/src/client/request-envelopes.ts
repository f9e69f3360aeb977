import { GovcError, type MessageDescriptor } from '@govc/core';
import { encodeEnvelope, envelopeFlags } from '@govc/core/protocol';
import type { ResolvedHttpTransportOptions } from './http-transport-options.js';

function ignore(): void {}

/** One request message as an envelope (README "Streaming methods"), gzip-compressed (flags `0x01`) over the threshold when compression is on. */
export async function messageEnvelope(
  options: ResolvedHttpTransportOptions,
  type: MessageDescriptor,
  message: unknown,
): Promise<Uint8Array> {
  const payload = options.codec.encode(type, message);
  const compression = options.compression;
  if (compression && payload.byteLength > options.compressionThreshold) {
    return encodeEnvelope(envelopeFlags.compressed, await compression.compress(payload));
  }
  return encodeEnvelope(0, payload);
}

/**
 * The request body of a client-stream or bidi call: the caller's messages as envelopes, each
 * pulled from the caller's iterable only when the runtime asks for the next chunk, i.e. once the
 * connection took the previous one. `stop()` ends it early (the response is over) even while it
 * waits on the caller's iterable, and hands that iterable its `return()`. When the caller's
 * iterable throws, or a message does not encode, the failure is kept in `error` for the call to
 * report, and the body fails, which resets the request.
 */
export class RequestEnvelopes implements AsyncIterable<Uint8Array> {
  readonly #messages: AsyncIterable<unknown>;
  readonly #type: MessageDescriptor;
  readonly #options: ResolvedHttpTransportOptions;
  #stopped = false;
  #onStop: (() => void) | undefined;
  /** Why the body failed on our side, if it did. */
  error: GovcError | undefined;

  constructor(messages: AsyncIterable<unknown>, type: MessageDescriptor, options: ResolvedHttpTransportOptions) {
    this.#messages = messages;
    this.#type = type;
    this.#options = options;
  }

  /** Ends the body: no more messages are pulled from the caller. */
  stop(): void {
    this.#stopped = true;
    this.#onStop?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    const iterator = this.#messages[Symbol.asyncIterator]();
    let settled = false;
    try {
      for (;;) {
        const result = await this.#next(iterator).catch((error: unknown) => {
          settled = true; // a throwing iterator is done: no return() owed
          throw error;
        });
        if (result === undefined) return;
        if (result.done) {
          settled = true;
          return;
        }
        yield await messageEnvelope(this.#options, this.#type, result.value);
      }
    } catch (error) {
      this.error = GovcError.from(error, 'internal');
      throw this.error;
    } finally {
      this.#onStop = undefined;
      if (!settled) void Promise.resolve(iterator.return?.()).catch(ignore);
    }
  }

  /** The caller's next message, or `undefined` once stopped; one stop slot, so nothing piles up on long streams. */
  #next(iterator: AsyncIterator<unknown>): Promise<IteratorResult<unknown> | undefined> {
    if (this.#stopped) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.#onStop = () => resolve(undefined);
      iterator.next().then(resolve, reject);
    });
  }
}
