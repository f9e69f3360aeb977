import { GovcError } from '@govc/core';
import { adler32 } from './adler32.js';

// git's loose objects are zlib streams; level 0 ("stored") needs no compressor: a two-byte header
// (deflate, 32 KiB window, fastest; 0x7801 is a multiple of 31), blocks of at most 65535 bytes
// each behind a 5-byte header, and the Adler-32 of the data at the end.
const zlibHeader = Uint8Array.of(0x78, 0x01);
const maxStoredBlock = 0xffff;
const storedBlockHeaderBytes = 5;

/** The size of the zlib stream of stored blocks holding `dataBytes` bytes (at least one block). */
export function storedZlibBytes(dataBytes: number): number {
  const blocks = Math.max(1, Math.ceil(dataBytes / maxStoredBlock));
  return zlibHeader.length + blocks * storedBlockHeaderBytes + dataBytes + 4;
}

/** A stored block's header: BFINAL, BTYPE 00 and padding in one byte, then LEN and ~LEN (LE). */
function storedBlockHeader(length: number, final: boolean): Uint8Array {
  return Uint8Array.of(final ? 1 : 0, length & 0xff, length >>> 8, ~length & 0xff, (~length >>> 8) & 0xff);
}

/**
 * Writes `body` (at most 65535 bytes) at `at` in `into` as a zlib stream of one stored block,
 * as `deflate` level 0 would; returns where it ends. For small objects packed whole.
 */
export function writeStoredZlib(into: Buffer, at: number, body: Uint8Array): number {
  if (body.byteLength > maxStoredBlock) throw new GovcError('internal', 'a one-block stored stream holds at most 65535 bytes');
  into.set(zlibHeader, at);
  into.set(storedBlockHeader(body.byteLength, true), at + zlibHeader.length);
  const data = at + zlibHeader.length + storedBlockHeaderBytes;
  into.set(body, data);
  return into.writeUInt32BE(adler32(1, body), data + body.byteLength);
}

/** Writes a zlib stream of stored blocks; see {@link createStoredZlibWriter}. */
export interface StoredZlibWriter {
  /** Adds the next bytes; more than the declared total is `invalid_argument`. */
  write(bytes: Uint8Array): Promise<void>;
  /** Ends the stream with its checksum; fewer bytes than declared is `invalid_argument`. */
  end(): Promise<void>;
}

/**
 * Frames exactly `totalBytes` of data as a zlib stream of stored (uncompressed) deflate blocks,
 * what `deflate` at level 0 makes, passing the output to `output` in order. Knowing the total up
 * front lets each block be cut at 65535 bytes and the last one be marked final as it starts.
 */
export function createStoredZlibWriter(totalBytes: number, output: (bytes: Uint8Array) => Promise<void>): StoredZlibWriter {
  let started = false;
  let adler = 1;
  let blockLeft = 0;
  let streamLeft = totalBytes;

  async function start(): Promise<void> {
    started = true;
    await output(zlibHeader);
    if (totalBytes === 0) await output(storedBlockHeader(0, true));
  }

  return {
    async write(bytes) {
      if (!started) await start();
      adler = adler32(adler, bytes);
      // Each pass starts a block or passes on at least one byte of the current one.
      for (let offset = 0; offset < bytes.length;) {
        if (blockLeft === 0) {
          if (streamLeft === 0) throw new GovcError('invalid_argument', `more than the declared ${totalBytes} bytes`);
          blockLeft = Math.min(maxStoredBlock, streamLeft);
          streamLeft -= blockLeft;
          await output(storedBlockHeader(blockLeft, streamLeft === 0));
        }
        const count = Math.min(blockLeft, bytes.length - offset);
        await output(count === bytes.length ? bytes : bytes.subarray(offset, offset + count));
        offset += count;
        blockLeft -= count;
      }
    },
    async end() {
      if (!started) await start();
      if (blockLeft !== 0 || streamLeft !== 0) {
        throw new GovcError('invalid_argument', `${totalBytes - streamLeft - blockLeft} bytes, but ${totalBytes} were declared`);
      }
      const trailer = new Uint8Array(4);
      new DataView(trailer.buffer).setUint32(0, adler);
      await output(trailer);
    },
  };
}
