/**
 * Codec cost per message, encode + decode, for JSON (bytes as base64) and MessagePack (bytes as
 * bin), on a small control message and on blobs of 10 KiB and 1 MiB. Every decoded message is
 * checked against the original after the clock stops.
 *
 *   pnpm --filter @govc/core bench
 */
import { Blob, StoreBlobRequest, jsonCodec, msgpackCodec, type Codec, type MessageDescriptor } from '@govc/core';

const rounds = 5;

function bytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 2654435761) >>> 24;
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((value, i) => value === b[i]);
}

/** Best-of-`rounds` µs for one encode + decode of `message`. */
function measure<T extends { content: Uint8Array }>(codec: Codec, type: MessageDescriptor<T>, message: T, iterations: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    let last: unknown;
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) last = codec.decode(type, codec.encode(type, message));
    best = Math.min(best, Number(process.hrtime.bigint() - started) / iterations / 1000);
    if (!sameBytes((last as T).content, message.content)) throw new Error(`${codec.name} changed the bytes`);
  }
  return best;
}

const cases = [
  { name: 'StoreBlob 46 B', type: StoreBlobRequest, message: { repo: 'bench', content: bytes(46) }, iterations: 100_000 },
  { name: 'Blob 10 KiB', type: Blob, message: { hash: 'a'.repeat(40), size: 10240, content: bytes(10240) }, iterations: 20_000 },
  { name: 'Blob 1 MiB', type: Blob, message: { hash: 'a'.repeat(40), size: 1 << 20, content: bytes(1 << 20) }, iterations: 100 },
] as const;

console.log(`codec encode+decode, Node ${process.version}, best of ${rounds} rounds`);
console.log(`${'message'.padEnd(18)}${'json µs'.padStart(10)}${'msgpack µs'.padStart(12)}${'json/msgpack'.padStart(14)}`);
for (const { name, type, message, iterations } of cases) {
  const json = measure(jsonCodec, type as MessageDescriptor<typeof message>, message, iterations);
  const msgpack = measure(msgpackCodec, type as MessageDescriptor<typeof message>, message, iterations);
  console.log(
    `${name.padEnd(18)}${json.toFixed(2).padStart(10)}${msgpack.toFixed(2).padStart(12)}${(json / msgpack).toFixed(1).padStart(13)}×`,
  );
}
