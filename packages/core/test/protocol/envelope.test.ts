import { describe, expect, it } from 'vitest';
import { GovcError } from '../../src/index.js';
import {
  decodeEndStream,
  encodeEndStream,
  encodeEnvelope,
  EnvelopeReader,
  envelopeFlags,
  envelopeHeaderBytes,
} from '../../src/protocol/index.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** `whole` cut into pieces at `cuts` (offsets into it). */
function cut(whole: Uint8Array, cuts: number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const at of [...cuts, whole.byteLength]) {
    pieces.push(whole.slice(from, at));
    from = at;
  }
  return pieces;
}

describe('envelopes', () => {
  it('frames a payload behind a flags byte and a big-endian length', () => {
    expect(encodeEnvelope(envelopeFlags.endStream, bytes(7, 8, 9))).toEqual(bytes(0x02, 0, 0, 0, 3, 7, 8, 9));
    expect(encodeEnvelope(0, new Uint8Array(0x01_02_03))[3]).toBe(0x02);
  });

  it('reassembles the same envelopes however the body is cut, one byte at a time included', () => {
    const sent = [text('first'), new Uint8Array(0), text('x'.repeat(300))];
    const body = new Uint8Array(sent.reduce((sum, payload) => sum + envelopeHeaderBytes + payload.byteLength, 0));
    let at = 0;
    for (const [index, payload] of sent.entries()) {
      body.set(encodeEnvelope(index === 2 ? envelopeFlags.compressed : 0, payload), at);
      at += envelopeHeaderBytes + payload.byteLength;
    }
    const cutsOfEveryByte = Array.from({ length: body.byteLength - 1 }, (_, index) => index + 1);
    for (const cuts of [[], [2], [5], [6, 11, 12], [3, 4, 200], cutsOfEveryByte]) {
      const reader = new EnvelopeReader(1024);
      const received = cut(body, cuts).flatMap((piece) => reader.push(piece));
      expect(received.map((envelope) => envelope.flags)).toEqual([0, 0, envelopeFlags.compressed]);
      expect(received.map((envelope) => envelope.payload)).toEqual(sent);
      expect(reader.buffered).toBe(0);
      expect(() => reader.end()).not.toThrow();
    }
  });

  it('refuses an oversize envelope as soon as its header arrives, before buffering its payload', () => {
    const reader = new EnvelopeReader(1024);
    const header = encodeEnvelope(0, new Uint8Array(1025)).subarray(0, envelopeHeaderBytes);
    expect(reader.push(header.subarray(0, 3))).toEqual([]);
    let refusal: unknown;
    try {
      reader.push(header.subarray(3));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(GovcError);
    expect(refusal).toMatchObject({ code: 'resource_exhausted', limit: 'message_bytes' });
    expect(reader.buffered).toBe(envelopeHeaderBytes);
  });

  it('takes an envelope exactly at the limit', () => {
    const reader = new EnvelopeReader(4);
    expect(reader.push(encodeEnvelope(0, bytes(1, 2, 3, 4)))).toEqual([{ flags: 0, payload: bytes(1, 2, 3, 4) }]);
  });

  it('calls a body that ends inside a header or a payload invalid_argument', () => {
    for (const leftover of [bytes(0, 0), bytes(0, 0, 0, 0, 4, 1)]) {
      const reader = new EnvelopeReader(1024);
      reader.push(leftover);
      expect(() => reader.end()).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    }
  });
});

describe('end-of-stream messages', () => {
  it('round-trips success and an error with its code and message', () => {
    expect(decodeEndStream(encodeEndStream(undefined))).toBeUndefined();
    const error = new GovcError('not_found', 'no such ref');
    const decoded = decodeEndStream(encodeEndStream(error));
    expect(decoded).toBeInstanceOf(GovcError);
    expect(decoded).toMatchObject({ code: 'not_found', rawMessage: 'no such ref' });
  });

  it('reads a malformed payload as an internal error, never as success', () => {
    for (const payload of ['', 'not json', 'null', '42', '"text"', '{"error": 7}', '{"error": {"code": "no_such_code"}}']) {
      expect(decodeEndStream(text(payload)), payload).toMatchObject({ code: 'internal' });
    }
  });
});
