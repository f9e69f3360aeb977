import { connect, type Socket } from 'node:net';
import { DelayedPipe } from './delayed-pipe.js';
import type { ResolvedLinkParameters } from './link-options.js';

/** What a connection needs from the proxy that accepted it. */
export interface LinkConnectionOptions {
  readonly targetHost: string;
  readonly targetPort: number;
  readonly link: () => ResolvedLinkParameters;
  readonly maxQueuedBytes: number;
  readonly onForwardUp: (bytes: number) => void;
  readonly onForwardDown: (bytes: number) => void;
}

/**
 * Ends a socket the way a failed link does: an RST, so the peer sees ECONNRESET rather than a
 * clean end it might take for a complete reply. A socket still connecting has no peer yet.
 */
function reset(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.connecting) socket.destroy();
  else socket.resetAndDestroy();
}

/** One accepted connection, its own connection to the target, and a delayed pipe each way. */
export class LinkConnection {
  /** Settles once both sockets have closed. */
  readonly closed: Promise<void>;
  readonly #client: Socket;
  readonly #upstream: Socket;
  readonly #up: DelayedPipe;
  readonly #down: DelayedPipe;

  constructor(client: Socket, options: LinkConnectionOptions) {
    this.#client = client;
    // Half-open, so that one side's end travels as an end and the other direction keeps flowing;
    // no Nagle, so that the proxy's re-chunking adds no delay of its own.
    this.#upstream = connect({ host: options.targetHost, port: options.targetPort, allowHalfOpen: true, noDelay: true });
    const pipe = { link: options.link, maxQueuedBytes: options.maxQueuedBytes };
    this.#up = new DelayedPipe(client, this.#upstream, { ...pipe, onForward: options.onForwardUp });
    this.#down = new DelayedPipe(this.#upstream, client, { ...pipe, onForward: options.onForwardDown });
    this.closed = Promise.all([this.#watch(client, this.#upstream), this.#watch(this.#upstream, client)]).then(() => undefined);
  }

  /** Bytes held for both directions now: in the delay lines and in the sockets' write buffers. */
  get heldBytes(): number {
    return this.#up.heldBytes + this.#down.heldBytes;
  }

  /** Resets both sides at once, as a link that fails does. */
  cut(): void {
    reset(this.#client);
    reset(this.#upstream);
  }

  /** Resolves when `socket` closes; a socket that failed (reset, refused, EPIPE) takes `other` down with it. */
  #watch(socket: Socket, other: Socket): Promise<void> {
    // Failures arrive again as close(hadError); this listener only keeps them from being thrown.
    socket.on('error', () => {});
    return new Promise((resolve) => {
      socket.once('close', (hadError) => {
        if (hadError) reset(other);
        resolve();
      });
    });
  }
}
