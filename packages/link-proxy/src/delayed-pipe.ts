import type { Socket } from 'node:net';
import type { ResolvedLinkParameters } from './link-options.js';

/** What one direction needs from the proxy around it. */
export interface DelayedPipeOptions {
  /** The link as it is now; read for each chunk, so a changed link applies to data sent from then on. */
  readonly link: () => ResolvedLinkParameters;
  /** Most bytes held in the delay line before reading from the sender pauses. */
  readonly maxQueuedBytes: number;
  /** Called with each chunk's size as it is handed to the receiving socket. */
  readonly onForward: (bytes: number) => void;
}

/** A chunk in the delay line and the time (`performance.now()`) it is due at the receiver. */
interface Pending {
  readonly bytes: Buffer;
  readonly due: number;
}

// Node's timers hold at most 2^31 - 1 ms; a longer wait is re-armed when the timer fires.
const maxTimerMs = 2 ** 31 - 1;

/**
 * One direction of one connection: what `source` sends is written to `sink` after the link's
 * latency and at its rate, in order, with one timer for the head of the queue rather than one per
 * chunk. Memory is bounded: reading from `source` pauses while the delay line holds
 * `maxQueuedBytes` or, on a zero link, while `sink` reports backpressure. When `source` ends,
 * `sink` is ended once everything queued has been written; when `sink` closes, the pipe stops.
 */
export class DelayedPipe {
  readonly #source: Socket;
  readonly #sink: Socket;
  readonly #options: DelayedPipeOptions;
  readonly #queue: Pending[] = [];
  #queuedBytes = 0;
  // When the link has finished transmitting everything queued so far, for the rate.
  #linkFreeAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #waitingDrain = false;
  #sourcePaused = false;
  #sourceEnded = false;
  #stopped = false;

  constructor(source: Socket, sink: Socket, options: DelayedPipeOptions) {
    this.#source = source;
    this.#sink = sink;
    this.#options = options;
    source.on('data', this.#onData);
    source.once('end', this.#onEnd);
    sink.on('drain', this.#onDrain);
    sink.once('close', this.#stop);
  }

  /** Bytes this direction holds now: in the delay line and in the receiving socket's write buffer. */
  get heldBytes(): number {
    return this.#queuedBytes + this.#sink.writableLength;
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#stopped) return;
    const link = this.#options.link();
    if (link.latencyMs === 0 && link.bytesPerMs === Infinity && this.#queue.length === 0 && !this.#waitingDrain) {
      // The zero link relays at once and pauses on backpressure, as pipe() would: a 0 ms row
      // then costs one write per chunk and no timer.
      this.#write(chunk);
      if (this.#waitingDrain) this.#pauseSource();
      return;
    }
    this.#enqueue(chunk, link);
    if (this.#queuedBytes >= this.#options.maxQueuedBytes) this.#pauseSource();
    this.#schedule();
  };

  #enqueue(chunk: Buffer, link: ResolvedLinkParameters): void {
    const now = performance.now();
    if (link.bytesPerMs === Infinity) {
      this.#push(chunk, now + link.latencyMs);
      return;
    }
    // Slices of about a millisecond of transmission each keep the pacing smooth at any rate,
    // without writes so small that the proxy's own cost shows (1 KiB) or bursts so large that a
    // slow link looks bursty (64 KiB).
    const sliceBytes = Math.min(64 * 1024, Math.max(1024, Math.round(link.bytesPerMs)));
    for (let offset = 0; offset < chunk.length; offset += sliceBytes) {
      const slice = chunk.subarray(offset, offset + sliceBytes);
      this.#linkFreeAt = Math.max(now, this.#linkFreeAt) + slice.length / link.bytesPerMs;
      this.#push(slice, this.#linkFreeAt + link.latencyMs);
    }
  }

  #push(bytes: Buffer, due: number): void {
    this.#queue.push({ bytes, due });
    this.#queuedBytes += bytes.length;
  }

  #schedule(): void {
    const head = this.#queue[0];
    if (this.#timer !== undefined || this.#waitingDrain || head === undefined) return;
    // Rounded up, so that a chunk never arrives before its time.
    const wait = Math.min(maxTimerMs, Math.max(0, Math.ceil(head.due - performance.now())));
    this.#timer = setTimeout(this.#flush, wait);
  }

  readonly #flush = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    while (!this.#waitingDrain) {
      const head = this.#queue[0];
      // Only the head is due-checked, so order holds even when a lowered latency makes a later
      // chunk due first; and a timer that fires a little early leaves the head to wait again.
      if (head === undefined || head.due > now) break;
      this.#queue.shift();
      this.#queuedBytes -= head.bytes.length;
      this.#write(head.bytes);
    }
    if (this.#sourceEnded && this.#queue.length === 0) {
      this.#endSink();
      return;
    }
    // Resuming at half the bound, not just under it, spares a pause and resume per chunk.
    if (this.#sourcePaused && !this.#waitingDrain && this.#queuedBytes <= this.#options.maxQueuedBytes / 2) {
      this.#sourcePaused = false;
      this.#source.resume();
    }
    this.#schedule();
  };

  #write(bytes: Buffer): void {
    if (this.#sink.destroyed) return;
    this.#options.onForward(bytes.length);
    if (!this.#sink.write(bytes)) this.#waitingDrain = true;
  }

  #pauseSource(): void {
    this.#sourcePaused = true;
    this.#source.pause();
  }

  readonly #onDrain = (): void => {
    if (!this.#waitingDrain || this.#stopped) return;
    this.#waitingDrain = false;
    clearTimeout(this.#timer);
    this.#flush();
  };

  readonly #onEnd = (): void => {
    this.#sourceEnded = true;
    if (this.#queue.length === 0) this.#endSink();
  };

  #endSink(): void {
    // end() still writes out what the socket buffers, so it need not wait for 'drain'.
    if (!this.#stopped && !this.#sink.writableEnded) this.#sink.end();
  }

  /** The receiving socket closed: nothing more can be delivered, so the queue and timer go. */
  readonly #stop = (): void => {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    this.#source.off('data', this.#onData);
  };
}
