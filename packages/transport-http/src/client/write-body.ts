import { constants, type ClientHttp2Stream } from 'node:http2';

/** Resolves `true` once `stream` drains, `false` if it closes or fails first; leaves no listener behind. */
function drained(stream: ClientHttp2Stream): Promise<boolean> {
  return new Promise((resolve) => {
    function onDrain(): void {
      done(true);
    }
    function onGone(): void {
      done(false);
    }
    function done(value: boolean): void {
      stream.off('drain', onDrain).off('close', onGone).off('error', onGone);
      resolve(value);
    }
    stream.once('drain', onDrain).once('close', onGone).once('error', onGone);
  });
}

/**
 * Writes `body` to an HTTP/2 request stream with backpressure: the next chunk is pulled only once
 * the stream took the previous one (`write()` returned true, or `'drain'` came), so flow control
 * reaches back to the producer. Stops pulling when the stream closes under it; a producer that
 * throws resets the stream with CANCEL (the call layer reports the producer's error).
 */
export async function writeBody(stream: ClientHttp2Stream, body: AsyncIterable<Uint8Array>): Promise<void> {
  try {
    for await (const chunk of body) {
      if (stream.destroyed || stream.writableEnded) return;
      if (!stream.write(chunk) && !(await drained(stream))) return;
    }
    if (!stream.destroyed && !stream.writableEnded) stream.end();
  } catch {
    if (!stream.closed) stream.close(constants.NGHTTP2_CANCEL);
  }
}
