import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/create-client.js';
import { GovcError } from '../../src/errors/govc-error.js';
import { bearerAuth } from '../../src/middleware/auth.js';
import { batching } from '../../src/middleware/batching.js';
import { deadline } from '../../src/middleware/deadline.js';
import { metrics, type CallEndInfo } from '../../src/middleware/metrics.js';
import { retry } from '../../src/middleware/retry.js';
import type { BatchOperationsRequest, BatchResult } from '../../src/schema/messages.js';
import type { AnyMethod } from '../../src/schema/methods.js';
import type { CallOptions, Transport } from '../../src/transport.js';

interface Seen {
  readonly method: string;
  readonly request: unknown;
  readonly options: CallOptions | undefined;
}

/**
 * A fake transport for unary calls: the first BatchOperations call fails `unavailable`, later
 * ones answer every op; a lone UpdateRef answers `{}`.
 */
function fakeTransport(): { transport: Transport; seen: Seen[] } {
  const seen: Seen[] = [];
  let batches = 0;
  const unsupported = (): never => {
    throw new GovcError('unimplemented', 'not in this fake');
  };
  const transport: Transport = {
    unary(method: AnyMethod, request: unknown, options?: CallOptions) {
      seen.push({ method: method.name, request, options });
      if (method.name === 'BatchOperations') {
        if (++batches === 1) return Promise.reject(new GovcError('unavailable', 'restarting'));
        const { operations } = request as BatchOperationsRequest;
        const results: BatchResult[] = operations.map((op) => ({
          id: op.id,
          method: op.method,
          ok: true,
          response: { hash: `commit-${op.id}`, tree: 't', parents: [] },
        }));
        return Promise.resolve({ results });
      }
      return Promise.resolve({});
    },
    clientStream: unsupported,
    serverStream: unsupported,
    bidi: unsupported,
    warmup: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return { transport, seen };
}

describe('the usual middleware stack', () => {
  it('measures once, authenticates, sets a deadline, retries a failed batch as a whole and keeps each op’s key', async () => {
    const { transport, seen } = fakeTransport();
    const ends: CallEndInfo[] = [];
    const client = createClient(transport, {
      middleware: [
        metrics({ onEnd: (info) => void ends.push(info) }),
        bearerAuth('tok'),
        deadline({ timeoutMs: 60_000 }),
        retry({ random: () => 0, sleep: () => Promise.resolve() }),
        batching(),
      ],
    });
    const person = { name: 'A', email: 'a@example.com' };
    const commit = (message: string) => client.commit({ repo: 'r', branch: 'main', message, author: person, changes: [] });
    const [one, two] = await Promise.all([commit('one'), commit('two')]);
    expect([one.hash, two.hash]).toEqual(['commit-0', 'commit-1']);

    expect(seen.map((s) => s.method)).toEqual(['BatchOperations', 'BatchOperations']);
    const [first, second] = seen.map((s) => s.request as BatchOperationsRequest);
    const keys = first!.operations.map((op) => op.idempotencyKey);
    expect(keys.every((key) => typeof key === 'string' && key.length > 0)).toBe(true);
    expect(new Set(keys).size).toBe(2);
    // The retry re-sent the same ops with the same keys.
    expect(second!.operations.map((op) => op.idempotencyKey)).toEqual(keys);
    for (const { options } of seen) {
      expect(options?.headers).toEqual({ authorization: 'Bearer tok' });
      expect(options?.deadline).toBeGreaterThan(Date.now());
    }
    expect(ends.map((end) => [end.method.name, end.code])).toEqual([
      ['Commit', 'ok'],
      ['Commit', 'ok'],
    ]);
  });

  it('sends a lone call as itself', async () => {
    const { transport, seen } = fakeTransport();
    const client = createClient(transport, { middleware: [retry(), batching()] });
    await expect(client.updateRef({ repo: 'r', name: 'refs/heads/x', newHash: 'a'.repeat(40), expectedOldHash: '' })).resolves.toEqual({});
    expect(seen.map((s) => s.method)).toEqual(['UpdateRef']);
    expect(seen[0]!.options?.headers?.['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
