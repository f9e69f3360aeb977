import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../src/protocol/index.js';
import { sameBytes } from '../codec/raw-bytes.js';
import { allByteValues, pseudoRandomBytes } from '../codec/samples.js';

type Base64 = { decodeBase64: typeof decodeBase64; encodeBase64: typeof encodeBase64 };

/** The module as a browser loads it: no `Buffer`, so it falls back to atob / btoa. */
async function loadWithoutBuffer(): Promise<Base64> {
  vi.resetModules();
  vi.stubGlobal('Buffer', undefined);
  try {
    return await import('../../src/protocol/base64.js');
  } finally {
    vi.unstubAllGlobals();
  }
}

/**
 * Asserts an `invalid_argument` GovcError by its fields: the module loaded without Buffer has its
 * own copy of the GovcError class, so `instanceof` cannot tell.
 */
function expectInvalidBase64(fn: () => unknown, path: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toMatchObject({ name: 'GovcError', code: 'invalid_argument', rawMessage: `${path}: invalid base64` });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const implementations: Array<[string, () => Promise<Base64>]> = [
  ['with Buffer (Node)', () => Promise.resolve({ decodeBase64, encodeBase64 })],
  ['without Buffer (browsers)', loadWithoutBuffer],
];

describe.each(implementations)('base64 %s', (_label, load) => {
  it('encodes the standard alphabet with padding', async () => {
    const { encodeBase64: encode } = await load();
    expect(encode(new Uint8Array(0))).toBe('');
    expect(encode(Uint8Array.of(1))).toBe('AQ==');
    expect(encode(Uint8Array.of(1, 2))).toBe('AQI=');
    expect(encode(Uint8Array.of(1, 2, 3))).toBe('AQID');
    expect(encode(Uint8Array.of(0xfb, 0xff, 0xbf))).toBe('+/+/');
    expect(encode(allByteValues)).toBe(Buffer.from(allByteValues).toString('base64'));
  });

  it('encodes only the bytes a view covers', async () => {
    const { encodeBase64: encode } = await load();
    expect(encode(Uint8Array.of(7, 1, 2, 3, 7).subarray(1, 4))).toBe('AQID');
  });

  it('encodes more than one 32 KiB chunk', async () => {
    const { encodeBase64: encode } = await load();
    const bytes = pseudoRandomBytes(100_003);
    expect(encode(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('decodes what it encodes, every byte value included', async () => {
    const { decodeBase64: decode, encodeBase64: encode } = await load();
    for (const bytes of [new Uint8Array(0), Uint8Array.of(0), allByteValues, pseudoRandomBytes(70_001)]) {
      expect(sameBytes(decode(encode(bytes), 'x'), bytes)).toBe(true);
    }
  });

  it('decodes the URL-safe alphabet and missing padding', async () => {
    const { decodeBase64: decode } = await load();
    const standard = Buffer.from(allByteValues).toString('base64');
    const urlSafe = standard.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(sameBytes(decode(urlSafe, 'x'), allByteValues)).toBe(true);
    expect([...decode('-_-_', 'x')]).toEqual([0xfb, 0xff, 0xbf]);
    expect([...decode('AQ', 'x')]).toEqual([1]);
    expect([...decode('AQI', 'x')]).toEqual([1, 2]);
    expect([...decode('AQI=', 'x')]).toEqual([1, 2]);
  });

  it.each(['A', 'AAAAA', 'A=', 'A==', 'AA*A', 'AA AA', ' AAAA', 'AAAA\n', 'AA=A', 'A===', '====A', 'AAAA\u0000', 'é'])(
    'rejects %j as invalid_argument naming the field',
    async (text) => {
      const { decodeBase64: decode } = await load();
      expectInvalidBase64(() => decode(text, 'changes[3].content'), 'changes[3].content');
    },
  );
});

describe('base64 without Buffer', () => {
  it("really takes the atob path: decoded bytes own their buffer instead of sharing Node's pool", async () => {
    const { decodeBase64: decode } = await loadWithoutBuffer();
    expect(decode('AQID', 'x').buffer.byteLength).toBe(3);
  });
});
