import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { createDnsCache } from '../../src/node/index.js';

type Resolver = NonNullable<Parameters<typeof createDnsCache>[0]>['lookup'];

function fakeResolver(answers: Record<string, LookupAddress[]>) {
  const calls: string[] = [];
  const lookup = ((
    hostname: string,
    _options: unknown,
    callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
  ) => {
    calls.push(hostname);
    setImmediate(() => {
      const found = answers[hostname];
      if (found) callback(null, found);
      else callback(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), []);
    });
  }) as unknown as Resolver;
  return { lookup, calls };
}

function resolve(lookup: ReturnType<typeof createDnsCache>, host: string, all = false): Promise<unknown> {
  return new Promise((ok, fail) =>
    lookup(host, { all }, (error, address, family) => (error ? fail(error) : ok(all ? address : [address, family]))),
  );
}

describe('DNS cache', () => {
  it('reuses an answer within its TTL, shares concurrent lookups and looks up again after it', async () => {
    let now = 0;
    const resolver = fakeResolver({ 'a.test': [{ address: '127.0.0.1', family: 4 }] });
    const cache = createDnsCache({ ttlMs: 1000, lookup: resolver.lookup!, now: () => now });
    const [first, second] = await Promise.all([resolve(cache, 'a.test'), resolve(cache, 'a.test')]);
    expect(first).toEqual(['127.0.0.1', 4]);
    expect(second).toEqual(['127.0.0.1', 4]);
    expect(await resolve(cache, 'a.test', true)).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(resolver.calls).toEqual(['a.test']);
    now = 2000;
    await resolve(cache, 'a.test');
    expect(resolver.calls).toEqual(['a.test', 'a.test']);
  });

  it('does not cache failures', async () => {
    const resolver = fakeResolver({});
    const cache = createDnsCache({ lookup: resolver.lookup! });
    await expect(resolve(cache, 'missing.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolve(cache, 'missing.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(resolver.calls).toHaveLength(2);
  });
});
