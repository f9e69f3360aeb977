import { GovcError } from '@govc/core';
import { describe, expect, it } from 'vitest';
import { IdempotencyMemory } from '../../src/idempotency/idempotency-memory.js';
import type { OutcomeRecord } from '../../src/store/storage.js';

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

  it('knows a request again whatever the order of its fields, and sees a nested difference', async () => {
    const memory = new IdempotencyMemory();
    await memory.run(scope('k'), { a: 1, b: { c: [1, { d: 2, e: 3 }] } }, async () => 'x');
    expect(await memory.run(scope('k'), { b: { c: [1, { e: 3, d: 2 }] }, a: 1 }, async () => 'y')).toBe('x');
    await expect(memory.run(scope('k'), { a: 1, b: { c: [1, { d: 2, e: 4 }] } }, async () => 'z')).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('hands out records of outcomes that a new memory restores, and keeps newer outcomes over them', async () => {
    let now = 1_000;
    const memory = new IdempotencyMemory({ now: () => now, windowMs: 500 });
    const records: OutcomeRecord[] = [];
    await memory.run(scope('k'), { a: 1 }, async (recordOutcome) => {
      records.push(recordOutcome({ hash: 'h', bytes: new Uint8Array([1, 2]) }));
      return 'live';
    });
    const record = records[0]!;
    expect(record.expiresAt).toBe(1_500);

    const restarted = new IdempotencyMemory({ now: () => now, windowMs: 500 });
    restarted.restore([record, { id: 'junk', expiresAt: 2_000, data: new Uint8Array([0xc1]) }]);
    let runs = 0;
    const replayed = (await restarted.run(scope('k'), { a: 1 }, async (): Promise<unknown> => ++runs)) as { hash: string; bytes: Uint8Array };
    expect(replayed.hash).toBe('h');
    expect([...replayed.bytes]).toEqual([1, 2]);
    await expect(restarted.run(scope('k'), { a: 2 }, async () => ++runs)).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(runs).toBe(0);

    const late = new IdempotencyMemory({ now: () => now, windowMs: 500 });
    now = 1_500;
    late.restore([record]);
    expect(await late.run(scope('k'), { a: 1 }, async () => 'again')).toBe('again');
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
