/** Bytes from hex text; spaces and line breaks are ignored, so tests can lay out MessagePack by hand. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^(?:[0-9a-f]{2})*$/i.test(clean)) throw new Error(`bad hex: ${text}`);
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** Lower-case hex of bytes, for comparing encodings. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** MessagePack fixstr of an ASCII string (shorter than 32 bytes), as hex. */
export function fixstr(text: string): string {
  if (text.length >= 32) throw new Error('fixstr is shorter than 32 bytes');
  return (0xa0 + text.length).toString(16) + Buffer.from(text, 'latin1').toString('hex');
}

/** Bytes equal, compared without walking them element by element through `toEqual`. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}
