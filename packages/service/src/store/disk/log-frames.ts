import { crc32 } from 'node:zlib';

/**
 * The framing of the store's append-only logs (the ref journal, the object log): each frame is a
 * u32 big-endian payload length, the payload's CRC-32 (u32 big-endian), then the payload. A frame
 * is appended whole and synced before anything it carries is acknowledged, so a frame whose
 * length or CRC does not check out can only be a torn tail, never acknowledged: replay stops there.
 */
export const frameHeaderBytes = 8;

/** Writes the header of the frame whose payload is `payload` into its first 8 bytes: the frame is `payload` with room left in front. */
export function sealFrame(frame: Buffer): Buffer {
  const payload = frame.subarray(frameHeaderBytes);
  frame.writeUInt32BE(payload.length, 0);
  frame.writeUInt32BE(crc32(payload), 4);
  return frame;
}

/** One whole frame found in a log: its payload and where the next frame starts. */
export interface LogFrame {
  readonly payload: Buffer;
  readonly end: number;
}

/** The whole frames at the start of `bytes`, in order, up to the first torn or corrupt one. */
export function* wholeFrames(bytes: Buffer): Generator<LogFrame> {
  let at = 0;
  while (at + frameHeaderBytes <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    // No frame is empty; zeros are what a crash may leave past the end of what was written
    // (the file grew, its new blocks never did), and the CRC-32 of nothing is 0.
    if (length === 0) return;
    const end = at + frameHeaderBytes + length;
    if (end > bytes.length) return;
    const payload = bytes.subarray(at + frameHeaderBytes, end);
    if (crc32(payload) !== bytes.readUInt32BE(at + 4)) return;
    yield { payload, end };
    at = end;
  }
}
