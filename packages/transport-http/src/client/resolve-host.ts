import { isIP } from 'node:net';
import type { LookupFunction } from '@govc/core/node';

/** Looks `host` up through the transport's DNS cache, so the first connection finds it cached; IP literals need no lookup. */
export function resolveHost(lookup: LookupFunction, host: string): Promise<void> {
  if (isIP(host) !== 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    lookup(host, { all: true }, function onLookup(error) {
      if (error) reject(error);
      else resolve();
    });
  });
}
