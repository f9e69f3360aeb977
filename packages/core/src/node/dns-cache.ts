import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';

/** A `lookup` function with the signature `net.connect` and `http2.connect` accept. */
export type LookupFunction = (
  hostname: string,
  options: LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

export interface DnsCacheOptions {
  /** How long an answer is reused, in ms. Default 30 s: connections reconnect without a lookup, yet a moved host is found soon. */
  readonly ttlMs?: number;
  /** Most hostnames kept. Default 1,000. */
  readonly maxEntries?: number;
  /** The resolver, for tests. Default `dns.lookup`. */
  readonly lookup?: typeof dnsLookup;
  /** The clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Caches `dns.lookup` answers for a TTL, so that every connection a transport opens (undici's
 * pool, HTTP/2 sessions) shares one lookup per host and TTL. Concurrent lookups of one host
 * share one pending query; failures are not cached.
 */
export function createDnsCache(options: DnsCacheOptions = {}): LookupFunction {
  const ttlMs = options.ttlMs ?? 30_000;
  const maxEntries = options.maxEntries ?? 1000;
  const resolve = options.lookup ?? dnsLookup;
  const now = options.now ?? Date.now;
  const answers = new Map<string, { expiresAt: number; addresses: LookupAddress[] }>();
  const pending = new Map<string, ((error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void)[]>();

  return function cachedLookup(hostname, lookupOptions, callback) {
    const family = typeof lookupOptions.family === 'number' ? lookupOptions.family : 0;
    const key = `${family}:${hostname}`;
    const answer = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]): void => {
      if (error) return callback(error, '');
      if (lookupOptions.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    };
    const cached = answers.get(key);
    if (cached && cached.expiresAt > now()) return answer(null, cached.addresses);
    const waiting = pending.get(key);
    if (waiting) {
      waiting.push(answer);
      return;
    }
    pending.set(key, [answer]);
    resolve(hostname, { family, all: true }, (error, addresses) => {
      const waiters = pending.get(key) ?? [];
      pending.delete(key);
      if (!error) {
        if (answers.size >= maxEntries) answers.delete(answers.keys().next().value!);
        answers.set(key, { expiresAt: now() + ttlMs, addresses });
      }
      for (const waiter of waiters) waiter(error, addresses ?? []);
    });
  };
}
