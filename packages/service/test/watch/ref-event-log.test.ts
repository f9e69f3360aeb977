import { describe, expect, it } from 'vitest';
import { RefEventLog } from '../../src/watch/ref-event-log.js';

/** Changes numbered as a store numbers them: one more each, from `lastSeq`. */
function numbering(lastSeq = 0) {
  let seq = lastSeq;
  return (name: string, newHash: string, oldHash = '') => ({ seq: ++seq, name, oldHash, newHash });
}

async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const items: T[] = [];
  for (let i = 0; i < count; i++) items.push((await iterator.next()).value as T);
  return items;
}

describe('RefEventLog', () => {
  it('numbers events and delivers new ones to a waiting watcher, filtered by prefix', async () => {
    const change = numbering();
    const log = new RefEventLog();
    const controller = new AbortController();
    const watch = log.watch('refs/heads/', undefined, controller.signal);
    const pending = take(watch, 2);
    log.append([change('refs/heads/a', '1'), change('refs/tags/t', '2')]);
    log.append([change('refs/heads/b', '3')]);
    expect(await pending).toEqual([
      { seq: 1, name: 'refs/heads/a', oldHash: '', newHash: '1' },
      { seq: 3, name: 'refs/heads/b', oldHash: '', newHash: '3' },
    ]);
    controller.abort();
    expect((await watch.next()).done).toBe(true);
  });

  it('resumes after a sequence number', async () => {
    const change = numbering();
    const log = new RefEventLog();
    log.append([change('refs/heads/a', '1'), change('refs/heads/a', '2', '1'), change('refs/heads/a', '3', '2')]);
    const watch = log.watch('', 1, undefined);
    expect((await take(watch, 2)).map((e) => e.seq)).toEqual([2, 3]);
    log.close();
    expect((await watch.next()).done).toBe(true);
  });

  it('tells a watcher that fell out of the history to resync', async () => {
    const change = numbering();
    const log = new RefEventLog({ history: 10 });
    for (let i = 1; i <= 40; i++) log.append([change('refs/heads/a', String(i))]);
    await expect(log.watch('', 2, undefined).next()).rejects.toMatchObject({ code: 'out_of_range' });
    await expect(log.watch('', 41, undefined).next()).rejects.toMatchObject({ code: 'out_of_range' });
    expect((await log.watch('', 35, undefined).next()).value?.seq).toBe(36);
  });

  it('keeps memory bounded whatever the number of events', () => {
    const change = numbering();
    const log = new RefEventLog({ history: 100 });
    for (let i = 0; i < 10_000; i++) log.append([change('refs/heads/a', String(i))]);
    expect(log.lastSeq).toBe(10_000);
    // The oldest kept event is at most 25% older than the history asks for.
    return expect(log.watch('', 10_000 - 126, undefined).next()).rejects.toMatchObject({ code: 'out_of_range' });
  });

  it('starts where the store’s numbering stands, serving its kept changes to a resume', async () => {
    const change = numbering(5_000);
    const kept = [change('refs/heads/a', '1'), change('refs/heads/a', '2', '1')];
    const log = new RefEventLog({ start: { lastSeq: 5_002, recent: kept } });
    expect(log.lastSeq).toBe(5_002);
    const resumed = log.watch('', 5_000, undefined);
    expect(await take(resumed, 2)).toEqual(kept);
    log.append([change('refs/heads/a', '3', '2')]);
    expect((await resumed.next()).value).toMatchObject({ seq: 5_003, newHash: '3' });
    // Numbers below the store's first kept change, as from before a restart in memory, are out of range.
    await expect(log.watch('', 4_000, undefined).next()).rejects.toMatchObject({ code: 'out_of_range' });
    await expect(new RefEventLog({ start: { lastSeq: 9, recent: [] } }).watch('', 3, undefined).next()).rejects.toMatchObject({
      code: 'out_of_range',
    });
    log.close();
  });

  it('holds a change that arrives before a lower-numbered one until the gap fills', async () => {
    const change = numbering();
    const [first, second, third] = [change('refs/heads/a', '1'), change('refs/heads/b', '2'), change('refs/heads/c', '3')];
    const log = new RefEventLog();
    const watch = log.watch('', 0, undefined);
    log.append([third!]);
    log.append([second!]);
    expect(log.lastSeq).toBe(0);
    log.append([first!]);
    expect(log.lastSeq).toBe(3);
    expect((await take(watch, 3)).map((e) => e.seq)).toEqual([1, 2, 3]);
    log.close();
  });

  it('refuses a start whose kept changes do not end at its count', () => {
    const change = numbering(10);
    expect(() => new RefEventLog({ start: { lastSeq: 12, recent: [change('refs/heads/a', '1')] } })).toThrow(/ends at/);
  });
});
