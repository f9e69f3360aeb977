import { afterEach, describe, expect, it, vi } from 'vitest';
import { deadline } from '../../src/middleware/deadline.js';
import type { Call, Reply } from '../../src/middleware/middleware.js';
import { govcMethods } from '../../src/schema/methods.js';
import { streamCall, unaryCall } from './fixtures.js';

const ok: Reply = { stream: false, response: {} };

function recording() {
  const calls: Call[] = [];
  const next = (call: Call): Promise<Reply> => {
    calls.push(call);
    return Promise.resolve(ok);
  };
  return { calls, next };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('deadline', () => {
  it('gives a call without a deadline one timeoutMs from now, without changing the caller’s call', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { calls, next } = recording();
    const call = unaryCall(govcMethods.GetBlob, { repo: 'r', hash: 'h' }, { headers: { a: 'b' } });
    await expect(deadline({ timeoutMs: 2_500 })(next)(call)).resolves.toBe(ok);
    expect(calls[0]).toEqual({ ...call, deadline: 1_002_500 });
    expect(call.deadline).toBeUndefined();
  });

  it('applies to streams too', async () => {
    vi.useFakeTimers({ now: 5_000 });
    const { calls, next } = recording();
    await deadline({ timeoutMs: 100 })(next)(streamCall(govcMethods.WatchRefs, { repo: 'r' }));
    expect(calls[0]!.deadline).toBe(5_100);
  });

  it('keeps a deadline the call already has, even a later one', async () => {
    vi.useFakeTimers({ now: 1_000 });
    const { calls, next } = recording();
    const call = unaryCall(govcMethods.GetBlob, {}, { deadline: 1_000_000 });
    await deadline({ timeoutMs: 10 })(next)(call);
    expect(calls[0]).toBe(call);
  });

  it('fails a call whose deadline has passed with deadline_exceeded, without calling next', async () => {
    vi.useFakeTimers({ now: 1_000 });
    const { calls, next } = recording();
    const chain = deadline({ timeoutMs: 10 })(next);
    await expect(chain(unaryCall(govcMethods.GetBlob, {}, { deadline: 999 }))).rejects.toMatchObject({
      name: 'GovcError',
      code: 'deadline_exceeded',
    });
    await expect(chain(unaryCall(govcMethods.GetBlob, {}, { deadline: 1_000 }))).rejects.toMatchObject({ code: 'deadline_exceeded' });
    expect(calls).toHaveLength(0);
    await chain(unaryCall(govcMethods.GetBlob, {}, { deadline: 1_001 }));
    expect(calls).toHaveLength(1);
  });

  it('rejects a timeout that is not positive', () => {
    expect(() => deadline({ timeoutMs: 0 })).toThrow(RangeError);
    expect(() => deadline({ timeoutMs: Number.NaN })).toThrow(RangeError);
  });
});
