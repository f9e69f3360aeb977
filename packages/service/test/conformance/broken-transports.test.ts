import { createInProcessTransport, type Transport } from '@govc/core';
import { conformanceCases, runConformance, type ConformanceCaseResult } from '@govc/core/conformance';
import { createGovcService } from '@govc/service';
import { describe, expect, it } from 'vitest';
import { brokenTransports } from './broken-transports.js';

/** Runs the whole kit against the in-process transport wrapped by `wrap`. */
function conformanceOf(wrap: (inner: Transport) => Transport, bidi = true): Promise<ConformanceCaseResult[]> {
  return runConformance(
    async ({ handler }) => {
      const inner = createInProcessTransport(handler);
      return {
        transport: wrap(inner),
        async [Symbol.asyncDispose]() {
          await inner.close();
        },
      };
    },
    { name: 'broken in-process', bidi, maxReadAheadBytes: 0 },
    { createService: () => createGovcService() },
  );
}

/** The failed cases' ids, each with why, so a mismatch shows what happened. */
function failures(results: readonly ConformanceCaseResult[]): Record<string, string> {
  return Object.fromEntries(results.filter((r) => r.outcome === 'failed').map((r) => [r.id, String(r.error).slice(0, 200)]));
}

describe('the conformance kit against deliberately broken transports', () => {
  it('names only cases that exist', () => {
    const ids = new Set(conformanceCases.map((c) => c.id));
    for (const variant of brokenTransports) for (const id of variant.mustFail) expect(ids, variant.name).toContain(id);
  });

  it('reports every case passed for the unbroken transport, and skips what it declares it cannot do', async () => {
    const results = await conformanceOf((inner) => inner, false);
    expect(failures(results)).toEqual({});
    expect(results.map((r) => r.id)).toEqual(conformanceCases.map((c) => c.id));
    const skipped = results.filter((r) => r.outcome === 'skipped').map((r) => r.id);
    expect(skipped).toEqual(conformanceCases.filter((c) => c.needs === 'bidi').map((c) => c.id));
  });

  it.each(brokenTransports.map((variant) => [variant.name, variant]))(
    'a transport that %s fails exactly the cases named for it',
    async (_, variant) => {
      const failed = failures(await conformanceOf(variant.wrap));
      expect(Object.keys(failed).sort(), JSON.stringify(failed, null, 2)).toEqual([...variant.mustFail].sort());
    },
    60_000,
  );
});
