import { describe, expect, it } from 'vitest';
import { GovcError } from '../../src/errors/govc-error.js';
import { backoffCeiling, createRetryBudget, createRetryPolicy } from '../../src/middleware/retry-policy.js';
import { govcMethods } from '../../src/schema/methods.js';
import { unaryCall } from './fixtures.js';

const unavailable = new GovcError('unavailable', 'down');

describe('backoffCeiling', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffCeiling(n, 100, 1_000))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(backoffCeiling(2_000, 100, 1_000)).toBe(1_000); // 2^2000 is Infinity: still capped
  });
});

describe('createRetryBudget', () => {
  it('allows minRetries with no calls, then ratio × calls more', () => {
    let now = 0;
    const budget = createRetryBudget({ ratio: 0.5, minRetries: 2, windowMs: 1_000 }, () => now);
    expect([budget.tryWithdraw(), budget.tryWithdraw(), budget.tryWithdraw()]).toEqual([true, true, false]);
    budget.deposit();
    expect(budget.tryWithdraw()).toBe(false); // 0.5 × 1 + 2 = 2.5: still only 2
    budget.deposit();
    expect([budget.tryWithdraw(), budget.tryWithdraw()]).toEqual([true, false]); // 0.5 × 2 + 2 = 3
    now += 1_000;
    // The window has slid past every call and retry.
    expect([budget.tryWithdraw(), budget.tryWithdraw(), budget.tryWithdraw()]).toEqual([true, true, false]);
  });

  it('forgets old events slice by slice', () => {
    let now = 0;
    const budget = createRetryBudget({ ratio: 0, minRetries: 1, windowMs: 1_000 }, () => now);
    expect(budget.tryWithdraw()).toBe(true);
    now = 950;
    expect(budget.tryWithdraw()).toBe(false);
    now = 1_000; // the slice [0, 100) is now out of the window
    expect(budget.tryWithdraw()).toBe(true);
    now = 1_999;
    expect(budget.tryWithdraw()).toBe(false);
  });
});

describe('createRetryPolicy', () => {
  it('counts attempts per call, not per policy', () => {
    const policy = createRetryPolicy({ random: () => 1, maxAttempts: 2, budget: { minRetries: 100 } });
    const a = policy.start(unaryCall(govcMethods.GetBlob, {}));
    const b = policy.start(unaryCall(govcMethods.GetBlob, {}));
    expect(a.next(unavailable)).toBe(100);
    expect(a.next(unavailable)).toBeUndefined();
    expect(b.next(unavailable)).toBe(100);
  });

  it('never retries a non-idempotent call without a key', () => {
    const policy = createRetryPolicy({ budget: { minRetries: 100 } });
    expect(policy.start(unaryCall(govcMethods.Commit, {})).next(unavailable)).toBeUndefined();
    expect(
      policy.start(unaryCall(govcMethods.Commit, {}, { headers: { 'idempotency-key': 'k' } })).next(unavailable),
    ).toBeGreaterThanOrEqual(0);
  });

  it('ignores a negative pushback and uses the computed delay', () => {
    const policy = createRetryPolicy({ random: () => 0.5, budget: { minRetries: 100 } });
    const state = policy.start(unaryCall(govcMethods.GetBlob, {}));
    expect(state.next(new GovcError('unavailable', 'x', { retryAfterMs: -1 }))).toBe(50);
    expect(state.next(new GovcError('unavailable', 'x', { retryAfterMs: 0 }))).toBe(0);
  });
});
