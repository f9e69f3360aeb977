import { connect, type ClientHttp2Session, type Settings } from 'node:http2';
import { GovcError } from '../errors/govc-error.js';
import { connectSocket, type SocketTarget } from './connect-socket.js';
import type { LookupFunction } from './dns-cache.js';

/** How an `Http2SessionPool` connects and keeps its sessions. */
export interface Http2SessionPoolOptions extends SocketTarget {
  /** `http://host:port` or `https://host:port`. */
  readonly origin: string;
  /** Sessions opened at most; past that, calls share the least loaded one. */
  readonly maxSessions: number;
  /** A session without streams for this long is closed. */
  readonly idleTimeoutMs: number;
  /** Keepalive PING interval; a PING unanswered by the next one destroys the session. */
  readonly pingIntervalMs: number;
  /** The connection-level flow-control window. */
  readonly sessionWindowBytes: number;
  /** Each stream's flow-control window. */
  readonly streamWindowBytes: number;
}

// What a session may carry until the peer's SETTINGS say otherwise: RFC 9113 §6.5.2 recommends
// no less than 100, and Node assumes the same (`peerMaxConcurrentStreams`).
const assumedMaxStreams = 100;

/** How long `close()` waits for a session to finish closing before it destroys it. */
const sessionCloseGraceMs = 5_000;

function ignore(): void {}

/** One HTTP/2 session and what the pool tracks about it. */
export class PooledSession {
  readonly session: ClientHttp2Session;
  /** Streams open on it now. */
  active = 0;
  /** The peer's `maxConcurrentStreams`, once its SETTINGS arrived. */
  maxStreams = assumedMaxStreams;
  /** Takes new streams: false once it got a GOAWAY, failed, closed or went idle. */
  usable = true;
  /** Settles when the peer's first SETTINGS arrive (the session is usable), or rejects if it fails first. */
  readonly ready: Promise<void>;
  idleSince = Date.now();
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  pingTimer: ReturnType<typeof setInterval> | undefined;
  pingOutstanding = false;

  constructor(session: ClientHttp2Session, ready: Promise<void>) {
    this.session = session;
    this.ready = ready;
  }
}

/**
 * HTTP/2 sessions to one origin: calls are multiplexed on a session until its streams reach the
 * peer's `maxConcurrentStreams`, then another session opens (up to `maxSessions`; past that the
 * least loaded session takes the call and nghttp2 queues it). A session that gets a GOAWAY takes
 * no new streams (its in-flight streams finish) and the next call opens a new one; a session
 * without streams for `idleTimeoutMs` is closed; keepalive PINGs find dead connections, and
 * flow-control windows are raised above HTTP/2's 64 KiB so large bodies are not throttled.
 * Sessions without streams are unref'd, so an idle transport does not hold the process open.
 */
export class Http2SessionPool {
  readonly #options: Http2SessionPoolOptions;
  readonly #lookup: LookupFunction;
  /** Sessions that take new streams, oldest first. */
  #usable: PooledSession[] = [];
  /** Every session not yet closed, draining ones included. */
  readonly #open = new Set<PooledSession>();
  #closed = false;

  constructor(options: Http2SessionPoolOptions, lookup: LookupFunction) {
    this.#options = options;
    this.#lookup = lookup;
  }

  /** A session for one more stream; pair with `release` when that stream closes. */
  acquire(): PooledSession {
    if (this.#closed) throw new GovcError('unavailable', 'transport is closed');
    let chosen: PooledSession | undefined;
    let leastLoaded: PooledSession | undefined;
    for (const pooled of this.#usable) {
      if (pooled.active < pooled.maxStreams) {
        chosen = pooled;
        break;
      }
      if (!leastLoaded || pooled.active < leastLoaded.active) leastLoaded = pooled;
    }
    chosen ??= this.#usable.length < this.#options.maxSessions ? this.#connect() : leastLoaded!;
    if (chosen.active++ === 0) chosen.session.ref();
    return chosen;
  }

  /** The stream acquired on `pooled` closed. */
  release(pooled: PooledSession): void {
    if (--pooled.active > 0) return;
    pooled.idleSince = Date.now();
    if (!pooled.session.destroyed) pooled.session.unref();
    if (pooled.usable && pooled.idleTimer === undefined) this.#armIdle(pooled, this.#options.idleTimeoutMs);
  }

  /** Opens a session if there is none and waits for the peer's SETTINGS. */
  async warmup(): Promise<void> {
    if (this.#closed) throw new GovcError('unavailable', 'transport is closed');
    const pooled = this.#usable[0] ?? this.#connect();
    await pooled.ready;
  }

  /** Takes no new streams, lets open ones finish, then closes every session. */
  async close(): Promise<void> {
    this.#closed = true;
    const closing = [...this.#open].map(
      (pooled) =>
        new Promise<void>((resolve) => {
          this.#retire(pooled);
          if (pooled.session.closed && pooled.session.destroyed) return resolve();
          pooled.session.once('close', resolve);
          pooled.session.close();
        }),
    );
    // Idle sessions are unref'd, and so is what Node waits on while one closes: without a
    // handle of its own, a process with nothing else to do would exit with close() unsettled.
    // This timer holds it open, and destroys a session whose peer never completes the close.
    const holdOpen = setTimeout(() => {
      for (const pooled of this.#open) pooled.session.destroy();
    }, sessionCloseGraceMs);
    try {
      await Promise.all(closing);
    } finally {
      clearTimeout(holdOpen);
    }
  }

  #connect(): PooledSession {
    const options = this.#options;
    const lookup = this.#lookup;
    const session = connect(options.origin, {
      createConnection: function createSessionSocket() {
        return connectSocket(options, lookup, 'h2');
      },
      settings: { initialWindowSize: options.streamWindowBytes, enablePush: false },
    });
    let settle: ((error?: Error) => void) | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    ready.catch(ignore);
    const pooled = new PooledSession(session, ready);
    this.#usable.push(pooled);
    this.#open.add(pooled);
    this.#armIdle(pooled, options.idleTimeoutMs);

    session.once('connect', () => {
      session.setLocalWindowSize(options.sessionWindowBytes);
      this.#startPings(pooled);
    });
    session.on('remoteSettings', (settings: Settings) => {
      pooled.maxStreams = settings.maxConcurrentStreams ?? assumedMaxStreams;
      // A session opened by `warmup` holds the process only while it has streams.
      if (settle && pooled.active === 0) session.unref();
      settle?.();
      settle = undefined;
    });
    // GOAWAY: the peer takes no new streams here; in-flight ones finish and Node closes the session.
    session.once('goaway', () => this.#retire(pooled));
    session.on('error', (error: Error) => {
      this.#retire(pooled);
      settle?.(error);
      settle = undefined;
    });
    session.once('close', () => {
      this.#retire(pooled);
      this.#open.delete(pooled);
      if (pooled.pingTimer !== undefined) clearInterval(pooled.pingTimer);
      settle?.(new GovcError('unavailable', 'HTTP/2 session closed before it was ready'));
      settle = undefined;
    });
    return pooled;
  }

  /** Takes `pooled` out of rotation: no new streams go to it. */
  #retire(pooled: PooledSession): void {
    if (!pooled.usable) return;
    pooled.usable = false;
    this.#usable = this.#usable.filter((other) => other !== pooled);
    if (pooled.idleTimer !== undefined) clearTimeout(pooled.idleTimer);
    pooled.idleTimer = undefined;
  }

  #armIdle(pooled: PooledSession, delayMs: number): void {
    pooled.idleTimer = setTimeout(() => {
      pooled.idleTimer = undefined;
      if (!pooled.usable || pooled.active > 0) return;
      const idleFor = Date.now() - pooled.idleSince;
      if (idleFor < this.#options.idleTimeoutMs) {
        this.#armIdle(pooled, this.#options.idleTimeoutMs - idleFor);
        return;
      }
      this.#retire(pooled);
      pooled.session.close();
    }, delayMs);
    pooled.idleTimer.unref();
  }

  #startPings(pooled: PooledSession): void {
    const session = pooled.session;
    pooled.pingTimer = setInterval(function keepalive() {
      if (session.destroyed) return;
      if (pooled.pingOutstanding) {
        session.destroy(new GovcError('unavailable', 'HTTP/2 keepalive PING was not answered'));
        return;
      }
      pooled.pingOutstanding = true;
      session.ping(function pingAnswered() {
        pooled.pingOutstanding = false;
      });
    }, this.#options.pingIntervalMs);
    pooled.pingTimer.unref();
  }
}
