import { GovcError } from '@govc/core';
import { describe, expect, it } from 'vitest';
import { IdempotencyMemory } from '../../src/idempotency/idempotency-memory.js';

const scope = (key: string, caller = 'alice') => ({ caller, repo: 'r', method: 'Commit', key });

describe('IdempotencyMemory', () => {
  it('runs the work once per key and replays the outcome', async () => {
    const memory = new IdempotencyMemory();
    let runs = 0;
    const work = async () => ++runs;
    expect(await memory.run(scope('k'), { a: 1 }, work)).toBe(1);
    expect(await memory.run(scope('k'), { a: 1 }, work)).toBe(1);
    expect(runs).toBe(1);
  });

  it('makes a repeat that arrives while the first runs wait for it', async () => {
    const memory = new IdempotencyMemory();
    let release!: (value: string) => void;
    let runs = 0;
    const work = () => {
      runs++;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const first = memory.run(scope('k'), {}, work);
    const second = memory.run(scope('k'), {}, work);
    release('done');
    expect(await Promise.all([first, second])).toEqual(['done', 'done']);
    expect(runs).toBe(1);
  });

  it('refuses the same key for a different request', async () => {
    const memory = new IdempotencyMemory();
    await memory.run(scope('k'), { a: 1 }, async () => 'x');
    await expect(memory.run(scope('k'), { a: 2 }, async () => 'y')).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('scopes keys by caller, repository and method', async () => {
    const memory = new IdempotencyMemory();
    let runs = 0;
    const work = async () => ++runs;
    await memory.run(scope('k', 'alice'), {}, work);
    await memory.run(scope('k', 'bob'), {}, work);
    await memory.run({ ...scope('k'), repo: 'other' }, {}, work);
    await memory.run({ ...scope('k'), method: 'UpdateRef' }, {}, work);
    expect(runs).toBe(4);
  });

  it('remembers definite failures but lets transient ones run again', async () => {
    const memory = new IdempotencyMemory();
    let runs = 0;
    const failWith = (code: 'aborted' | 'unavailable') => async () => {
      runs++;
      throw new GovcError(code, 'x');
    };
    await expect(memory.run(scope('a'), {}, failWith('aborted'))).rejects.toMatchObject({ code: 'aborted' });
    await expect(memory.run(scope('a'), {}, failWith('aborted'))).rejects.toMatchObject({ code: 'aborted' });
    expect(runs).toBe(1);
    await expect(memory.run(scope('u'), {}, failWith('unavailable'))).rejects.toMatchObject({ code: 'unavailable' });
    await expect(memory.run(scope('u'), {}, failWith('unavailable'))).rejects.toMatchObject({ code: 'unavailable' });
    expect(runs).toBe(3);
  });

  it('forgets outcomes after the window', async () => {
    let now = 1_000;
    const memory = new IdempotencyMemory({ windowMs: 100, now: () => now });
    let runs = 0;
    await memory.run(scope('k'), {}, async () => ++runs);
    now += 50;
    await memory.run(scope('k'), {}, async () => ++runs);
    now += 200;
    await memory.run(scope('k'), {}, async () => ++runs);
    expect(runs).toBe(2);
  });

  it('stays bounded, forgetting the oldest outcomes first', async () => {
    const memory = new IdempotencyMemory({ maxEntries: 50 });
    for (let i = 0; i < 500; i++) await memory.run(scope(`k${i}`), {}, async () => i);
    expect(memory.size).toBeLessThanOrEqual(50);
    let runs = 0;
    await memory.run(scope('k499'), {}, async () => ++runs);
    await memory.run(scope('k0'), {}, async () => ++runs);
    expect(runs).toBe(1); // k499 was remembered, k0 was forgotten
  });
});
