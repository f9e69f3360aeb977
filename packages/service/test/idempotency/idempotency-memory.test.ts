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
    await expect(memory.run(scope('k'), { a: 1, b: { c: [1, { d: 2, e: 4 }] } }, async () => 'z')).rejects.toMatchObject({
      code: 'invalid_argument',
    });
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
    const replayed = (await restarted.run(scope('k'), { a: 1 }, async (): Promise<unknown> => ++runs)) as {
      hash: string;
      bytes: Uint8Array;
    };
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
    await expect(memory.run(scope('a'), {}, failWith('aborted'))).rejects.toMatchObject({ code: 'aborted', rawMessage: 'x' });
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

  it('keeps 20,000 keyed outcomes inside their window under the default budget (a 10,000-outcome cap forgot the oldest)', async () => {
    const memory = new IdempotencyMemory();
    let runs = 0;
    const work = async () => ({ hash: `${++runs}`.padStart(40, '0'), size: 46 });
    for (let i = 0; i < 20_000; i++) await memory.run(scope(`k${i}`), { a: i }, work);
    expect(await memory.run(scope('k0'), { a: 0 }, work)).toEqual({ hash: '1'.padStart(40, '0'), size: 46 });
    expect(runs).toBe(20_000);
    expect(memory.stats()).toMatchObject({ entries: 20_000, maxBytes: 64 * 1024 * 1024, evictedEarly: 0 });
  });

  it('stays within a byte budget, forgetting the oldest outcomes first and counting them as early', async () => {
    const memory = new IdempotencyMemory({ maxBytes: 5_000 });
    let runs = 0;
    const work = async () => ++runs;
    for (let i = 0; i < 100; i++) await memory.run(scope(`k${i}`.padStart(4, '0')), {}, work);
    const { entries, bytes, evictedEarly } = memory.stats();
    expect(bytes).toBeLessThanOrEqual(5_000);
    expect(entries).toBeGreaterThan(1);
    expect(entries).toBeLessThan(100);
    expect(evictedEarly).toBe(100 - entries);
    await memory.run(scope('0k99'), {}, work);
    expect(runs).toBe(100); // the newest was remembered
    await memory.run(scope('00k0'), {}, work);
    expect(runs).toBe(101); // the oldest was forgotten
  });

  it('does not count outcomes forgotten after their window as early', async () => {
    let now = 1_000;
    const memory = new IdempotencyMemory({ windowMs: 100, maxBytes: 5_000, now: () => now });
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 10; i++) await memory.run(scope(`k${round}-${i}`), {}, async () => i);
      now += 200;
    }
    expect(memory.stats()).toMatchObject({ entries: 10, evictedEarly: 0 });
  });

  it('counts an outcome by its bytes, from an estimate while it runs to its size once it settles', async () => {
    const memory = new IdempotencyMemory({ maxBytes: 50_000 });
    let release!: (value: string) => void;
    const running = memory.run(scope('big'), {}, () => new Promise<string>((resolve) => (release = resolve)));
    const whileRunning = memory.stats().bytes;
    expect(whileRunning).toBeGreaterThan(0);
    release('x'.repeat(30_000));
    await running;
    expect(memory.stats().bytes - whileRunning).toBeGreaterThan(29_000);
    expect(memory.stats().bytes).toBeLessThan(31_000);
  });

  it('forgets at once an outcome larger than the whole budget, and nothing else for it', async () => {
    const memory = new IdempotencyMemory({ maxBytes: 50_000 });
    let runs = 0;
    await memory.run(scope('small'), {}, async () => ++runs);
    await memory.run(scope('huge'), {}, async () => `${++runs}`.repeat(60_000));
    await memory.run(scope('huge'), {}, async () => `${++runs}`.repeat(60_000));
    await memory.run(scope('small'), {}, async () => ++runs);
    expect(runs).toBe(3);
    expect(memory.stats()).toMatchObject({ entries: 1, evictedEarly: 2 });
  });

  it('keeps a running call past a full budget, so that its repeat waits rather than runs too', async () => {
    const memory = new IdempotencyMemory({ maxBytes: 3_000 });
    let release!: (value: string) => void;
    let runs = 0;
    const slow = () => {
      runs++;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const first = memory.run(scope('slow'), {}, slow);
    for (let i = 0; i < 20; i++) await memory.run(scope(`k${i}`), {}, async () => i);
    const repeat = memory.run(scope('slow'), {}, slow);
    release('once');
    expect(await Promise.all([first, repeat])).toEqual(['once', 'once']);
    expect(runs).toBe(1);
  });

  it('gives back the bytes of forgotten calls and of transient failures', async () => {
    const memory = new IdempotencyMemory();
    for (const key of ['a', 'b', 'c']) await memory.run(scope(key), {}, async () => key);
    await expect(memory.run(scope('d'), {}, async () => Promise.reject(new GovcError('unavailable', 'x')))).rejects.toThrow();
    memory.forget(scope('b'));
    memory.forget(scope('a'));
    memory.forget(scope('c'));
    expect(memory.stats()).toMatchObject({ entries: 0, bytes: 0, evictedEarly: 0 });
    expect(await memory.run(scope('e'), {}, async () => 'e')).toBe('e');
    expect(memory.stats().entries).toBe(1);
  });

  it('replays a copy of the outcome: changing one reply changes no other', async () => {
    const memory = new IdempotencyMemory();
    const first = await memory.run(scope('k'), {}, async () => ({ parents: ['a'] }));
    first.parents.push('changed');
    expect(await memory.run(scope('k'), {}, async () => ({ parents: ['b'] }))).toEqual({ parents: ['a'] });
  });

  it('rejects a byte budget that is not a positive whole number', () => {
    expect(() => new IdempotencyMemory({ maxBytes: 0 })).toThrow(RangeError);
    expect(() => new IdempotencyMemory({ maxBytes: Number.NaN })).toThrow(RangeError);
  });
});
