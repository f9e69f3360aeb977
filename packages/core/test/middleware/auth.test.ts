import { describe, expect, it } from 'vitest';
import { GovcError } from '../../src/errors/govc-error.js';
import { bearerAuth } from '../../src/middleware/auth.js';
import type { Call, Reply } from '../../src/middleware/middleware.js';
import { govcMethods } from '../../src/schema/methods.js';
import { streamCall, unaryCall } from './fixtures.js';

function recording() {
  const calls: Call[] = [];
  const next = (call: Call): Promise<Reply> => {
    calls.push(call);
    return Promise.resolve({ stream: false, response: {} });
  };
  return { calls, next };
}

describe('bearerAuth', () => {
  it('sets the authorization header from a fixed token, keeping the other headers', async () => {
    const { calls, next } = recording();
    const chain = bearerAuth('secret')(next);
    const headers = { 'idempotency-key': 'k' };
    await chain(unaryCall(govcMethods.Commit, {}, { headers }));
    await chain(streamCall(govcMethods.WatchRefs, {}));
    expect(calls.map((call) => call.headers)).toEqual([
      { 'idempotency-key': 'k', authorization: 'Bearer secret' },
      { authorization: 'Bearer secret' },
    ]);
    expect(headers).toEqual({ 'idempotency-key': 'k' });
  });

  it('asks a token function on every call, sync or async', async () => {
    const { calls, next } = recording();
    let n = 0;
    await bearerAuth(() => `t${++n}`)(next)(unaryCall(govcMethods.Health, {}));
    const chain = bearerAuth(async () => `a${++n}`)(next);
    await chain(unaryCall(govcMethods.Health, {}));
    await chain(unaryCall(govcMethods.Health, {}));
    expect(calls.map((call) => call.headers?.authorization)).toEqual(['Bearer t1', 'Bearer a2', 'Bearer a3']);
  });

  it('never overwrites an authorization header the call already has', async () => {
    const { calls, next } = recording();
    let asked = 0;
    const call = unaryCall(govcMethods.Health, {}, { headers: { authorization: 'Basic abc' } });
    await bearerAuth('secret')(next)(call);
    await bearerAuth(() => String(++asked))(next)(call);
    expect(calls).toEqual([call, call]);
    expect(asked).toBe(0);
  });

  it('fails the call unauthenticated when the token function fails, without calling next', async () => {
    const { calls, next } = recording();
    const failing = bearerAuth(() => {
      throw new Error('refresh failed');
    })(next);
    await expect(failing(unaryCall(govcMethods.Health, {}))).rejects.toMatchObject({ name: 'GovcError', code: 'unauthenticated' });
    const rejecting = bearerAuth(() => Promise.reject(new GovcError('unavailable', 'idp down')))(next);
    await expect(rejecting(unaryCall(govcMethods.Health, {}))).rejects.toMatchObject({ code: 'unavailable' });
    expect(calls).toHaveLength(0);
  });
});
