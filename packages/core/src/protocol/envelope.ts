import { GovcError } from '../errors/govc-error.js';

/**
 * The framing of streamed bodies, Connect's envelope: one flags byte, a big-endian u32 length,
 * then that many bytes. Bit 0x01 says the payload is compressed; bit 0x02 marks the
 * end-of-stream envelope, whose payload is JSON `{ "error"?: { code, message } }`.
 */
export const envelopeFlags = {
  compressed: 0x01,
  endStream: 0x02,
} as const;

/** Bytes before an envelope's payload. */
export const envelopeHeaderBytes = 5;

/** One envelope as read off the wire. */
export interface Envelope {
  readonly flags: number;
  readonly payload: Uint8Array;
}

/** Frames `payload` in an envelope. */
export function encodeEnvelope(flags: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(envelopeHeaderBytes + payload.byteLength);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, payload.byteLength);
  out.set(payload, envelopeHeaderBytes);
  return out;
}

/**
 * Reassembles envelopes from a body that arrives in arbitrary chunks. An envelope longer than
 * `maxPayloadBytes` is `resource_exhausted` as soon as its header arrives, before any of it is
 * buffered.
 */
export class EnvelopeReader {
  readonly #maxPayloadBytes: number;
  #chunks: Uint8Array[] = [];
  #buffered = 0;

  constructor(maxPayloadBytes: number) {
    this.#maxPayloadBytes = maxPayloadBytes;
  }

  /** Bytes received but not yet returned as envelopes. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Adds a chunk and returns every envelope it completes. */
  push(chunk: Uint8Array): Envelope[] {
    if (chunk.byteLength > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.byteLength;
    }
    const envelopes: Envelope[] = [];
    for (;;) {
      if (this.#buffered < envelopeHeaderBytes) return envelopes;
      const header = this.#peek(envelopeHeaderBytes);
      const length = new DataView(header.buffer, header.byteOffset, envelopeHeaderBytes).getUint32(1);
      if (length > this.#maxPayloadBytes) {
        throw new GovcError('resource_exhausted', `message of ${length} bytes is over the limit of ${this.#maxPayloadBytes}`, {
          limit: 'message_bytes',
        });
      }
      if (this.#buffered < envelopeHeaderBytes + length) return envelopes;
      const frame = this.#take(envelopeHeaderBytes + length);
      envelopes.push({ flags: frame[0]!, payload: frame.subarray(envelopeHeaderBytes) });
    }
  }

  /** Throws `invalid_argument` if the body ended inside an envelope. */
  end(): void {
    if (this.#buffered > 0) throw new GovcError('invalid_argument', `body ended inside an envelope (${this.#buffered} bytes left over)`);
  }

  #peek(count: number): Uint8Array {
    const first = this.#chunks[0]!;
    if (first.byteLength >= count) return first.subarray(0, count);
    const joined = this.#take(this.#buffered);
    this.#chunks = [joined];
    this.#buffered = joined.byteLength;
    return joined.subarray(0, count);
  }

  #take(count: number): Uint8Array {
    const first = this.#chunks[0]!;
    let out: Uint8Array;
    if (first.byteLength >= count) {
      out = first.subarray(0, count);
      if (first.byteLength === count) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(count);
    } else {
      out = new Uint8Array(count);
      let at = 0;
      while (at < count) {
        const chunk = this.#chunks[0]!;
        const part = Math.min(chunk.byteLength, count - at);
        out.set(chunk.subarray(0, part), at);
        at += part;
        if (part === chunk.byteLength) this.#chunks.shift();
        else this.#chunks[0] = chunk.subarray(part);
      }
    }
    this.#buffered -= count;
    return out;
  }
}
