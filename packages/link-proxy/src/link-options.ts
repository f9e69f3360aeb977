/** What the simulated link does to the bytes crossing it, in each direction separately. */
export interface LinkParameters {
  /**
   * One-way delay added to every chunk, in ms, so a round trip grows by twice this. Default 0:
   * the proxy then only relays, and a 0 ms row measures the proxy's own cost.
   */
  readonly latencyMs?: number;
  /**
   * Bandwidth of each direction of each connection, in Mbit/s (10^6 bit/s): a chunk of N bytes
   * takes N·8 / (rate·10^6) s to cross, queued behind the one before. Default unlimited: loopback
   * speed, so a latency-only row shows latency alone.
   */
  readonly rateMbit?: number;
}

/** Where the proxy forwards every connection it accepts. */
export interface LinkTarget {
  /** Host of the real server. Default `127.0.0.1`: the servers under test listen on loopback. */
  readonly host?: string;
  /** Port of the real server. Required. */
  readonly port: number;
}

/** Options of `createLinkProxy`. */
export interface LinkProxyOptions extends LinkParameters {
  /** The real server. Required. */
  readonly target: LinkTarget;
  /** Port to listen on, on 127.0.0.1. Default 0: the OS picks a free one, so parallel tests never collide. */
  readonly port?: number;
  /**
   * Most bytes one direction of one connection holds in its delay line before the proxy stops
   * reading from the sender, so a receiver that does not read stalls the sender instead of
   * growing the proxy's memory. Default 4 MiB: a few MiB, like a real TCP window, so a long-delay
   * link is window-limited as a real one would be (at 50 ms one connection still carries about
   * 500 Mbit/s each way; raise it for a faster long link).
   */
  readonly maxQueuedBytes?: number;
}

/** Link parameters with defaults applied: `bytesPerMs` is `Infinity` for an unlimited link. */
export interface ResolvedLinkParameters {
  readonly latencyMs: number;
  readonly rateMbit: number | undefined;
  readonly bytesPerMs: number;
}

/** The options with every default applied, checked once when the proxy is made. */
export interface ResolvedLinkProxyOptions {
  readonly link: ResolvedLinkParameters;
  readonly targetHost: string;
  readonly targetPort: number;
  readonly port: number;
  readonly maxQueuedBytes: number;
}

// Node's timers hold at most 2^31 - 1 ms; a longer delay would fire at once.
const maxLatencyMs = 2 ** 31 - 1;

function integer(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** Checks link parameters; omitted ones take their defaults, as when the proxy is made. */
export function resolveLinkParameters(link: LinkParameters): ResolvedLinkParameters {
  const latencyMs = link.latencyMs ?? 0;
  if (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0 || latencyMs > maxLatencyMs) {
    throw new RangeError(`latencyMs must be a finite number from 0 to ${maxLatencyMs}, got ${String(latencyMs)}`);
  }
  const rateMbit = link.rateMbit;
  if (rateMbit !== undefined && (typeof rateMbit !== 'number' || !Number.isFinite(rateMbit) || rateMbit <= 0)) {
    throw new RangeError(`rateMbit must be a finite number above 0 (omit it for an unlimited link), got ${String(rateMbit)}`);
  }
  // Mbit/s to bytes per ms: 10^6 bit/s / 8 bit / 1000 ms.
  return { latencyMs, rateMbit, bytesPerMs: rateMbit === undefined ? Infinity : rateMbit * 125 };
}

/** Applies defaults and checks every option; a bad value throws a `RangeError` naming it, here and not later. */
export function resolveLinkProxyOptions(options: LinkProxyOptions): ResolvedLinkProxyOptions {
  const targetHost = options.target.host ?? '127.0.0.1';
  if (typeof targetHost !== 'string' || targetHost === '') throw new RangeError('target.host must be a non-empty string');
  return {
    link: resolveLinkParameters(options),
    targetHost,
    targetPort: integer('target.port', options.target.port, 1, 65_535),
    port: integer('port', options.port ?? 0, 0, 65_535),
    maxQueuedBytes: integer('maxQueuedBytes', options.maxQueuedBytes ?? 4 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER),
  };
}
