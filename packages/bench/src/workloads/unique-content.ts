const encoder = new TextEncoder();

/** `size` bytes that no other op of the run sends: op `index`'s label, padded; random tail for sizes past the label. */
export function uniqueContent(label: string, index: number, size: number): Uint8Array {
  const head = encoder.encode(`${label} ${String(index).padStart(12, '0')} `);
  const bytes = new Uint8Array(size);
  bytes.set(head.subarray(0, size));
  // Past the label, bytes that compress like real binary data would not: gzip gains nothing on them.
  if (size > head.byteLength) crypto.getRandomValues(bytes.subarray(head.byteLength, Math.min(size, head.byteLength + 65_536)));
  for (let at = head.byteLength + 65_536; at < size; at += 65_536)
    bytes.copyWithin(at, head.byteLength, Math.min(head.byteLength + 65_536, head.byteLength + size - at));
  return bytes;
}
