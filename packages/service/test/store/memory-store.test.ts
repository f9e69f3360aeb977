import { describe, expect, it } from 'vitest';
import { hashObject } from '../../src/objects/hash.js';
import { createMemoryStore } from '../../src/store/memory-store.js';

const record = (name: string) => ({ name, defaultBranch: 'main', createdAt: 1 });
const blob = (text: string) => {
  const body = new TextEncoder().encode(text);
  return { hash: hashObject('blob', body), type: 'blob' as const, body };
};

describe('memory store', () => {
  it('copies what it keeps, so a view into a larger buffer is not pinned and later changes to it do not matter', async () => {
    const store = createMemoryStore();
    await store.createRepository(record('r'));
    const big = new Uint8Array(64 * 1024).fill(7);
    const view = big.subarray(100, 110);
    const object = { hash: hashObject('blob', view), type: 'blob' as const, body: view };
    await store.putObjects('r', [object]);
    big.fill(0);
    const stored = await store.getObject('r', object.hash);
    expect([...stored!.body]).toEqual(new Array(10).fill(7));
    expect(stored!.body.buffer).not.toBe(big.buffer);
  });

  it('refuses writes beyond its memory limit, all or nothing, and frees a deleted repository', async () => {
    const store = createMemoryStore({ memoryLimit: 4096 });
    await store.createRepository(record('r'));
    const small = blob('small');
    const large = { ...blob('x'.repeat(5000)) };
    await expect(store.putObjects('r', [small, large])).rejects.toMatchObject({ code: 'resource_exhausted' });
    expect(await store.hasObjects('r', [small.hash])).toEqual([false]);
    await store.putObjects('r', [small]);
    await store.deleteRepository('r');
    await store.createRepository(record('r'));
    await store.putObjects('r', [blob('y'.repeat(3000))]);
  });

  it.each([
    ['declared', 30 * 1024 * 1024],
    ['unknown', undefined],
  ] as const)(
    'reserves the memory of concurrent uploads (%s size): 8 of 30 MiB under a 32 MiB limit, one at a time',
    async (_label, declaredSize) => {
      const MiB = 1024 * 1024;
      const store = createMemoryStore({ memoryLimit: 32 * MiB });
      await store.createRepository(record('r'));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      // Each upload sends 30 MiB in 1 MiB chunks, its last chunk only once the gate opens: all 8
      // are under way at once.
      async function* upload(seed: number) {
        for (let chunk = 0; chunk < 30; chunk++) {
          if (chunk === 29) await gate;
          yield new Uint8Array(MiB).fill(seed);
        }
      }
      let refused = 0;
      const uploads = Array.from({ length: 8 }, (_, seed) =>
        store.writeBlob('r', upload(seed), declaredSize).catch((error: unknown) => {
          refused++;
          expect(error).toMatchObject({ code: 'resource_exhausted' });
          return undefined;
        }),
      );
      // Refused while all are under way: the memory they would need is not there. (Checked only,
      // not reserved, all 8 got past the check and held 240 MiB until the gate opened.)
      for (let wait = 0; wait < 200 && refused < 7; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(refused).toBeGreaterThanOrEqual(7);
      release();
      const written = (await Promise.all(uploads)).filter((one) => one !== undefined);
      expect(written.length).toBeLessThanOrEqual(1);
      expect(store.usage().bytes).toBeLessThanOrEqual(32 * MiB);
      // What the refused uploads held is given back: once the kept blob is deleted, 30 MiB fit again.
      await store.deleteRepository('r');
      await store.createRepository(record('r'));
      async function* again() {
        for (let chunk = 0; chunk < 30; chunk++) yield new Uint8Array(MiB);
      }
      await expect(store.writeBlob('r', again(), declaredSize)).resolves.toMatchObject({ size: 30 * MiB });
    },
  );

  it('streams a blob in, checking a declared size, and out from an offset', async () => {
    const store = createMemoryStore();
    await store.createRepository(record('r'));
    async function* chunks() {
      yield new TextEncoder().encode('hello ');
      yield new TextEncoder().encode('world');
    }
    const written = await store.writeBlob('r', chunks(), 11);
    expect(written).toEqual({ hash: blob('hello world').hash, size: 11 });
    await expect(store.writeBlob('r', chunks(), 12)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(store.writeBlob('r', chunks(), 5)).rejects.toMatchObject({ code: 'invalid_argument' });
    const out: string[] = [];
    for await (const chunk of store.readBlob('r', written.hash, 3, 4)) out.push(new TextDecoder().decode(chunk));
    expect(out).toEqual(['lo w', 'orld']);
    await expect(store.readBlob('r', written.hash, 12, 4)[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'out_of_range' });
  });

  it('moves many refs in one compare-and-swap, or none', async () => {
    const store = createMemoryStore();
    await store.createRepository(record('r'));
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const { lastSeq: start } = await store.refHistory('r', 10);
    expect(await store.updateRefs('r', [{ name: 'refs/heads/main', newHash: a, expectedOldHash: '' }])).toEqual([
      { seq: start + 1, name: 'refs/heads/main', oldHash: '', newHash: a },
    ]);
    await expect(
      store.updateRefs('r', [
        { name: 'refs/heads/x', newHash: a, expectedOldHash: '' },
        { name: 'refs/heads/main', newHash: b, expectedOldHash: b },
      ]),
    ).rejects.toMatchObject({ code: 'aborted' });
    expect(await store.listRefs('r', '')).toEqual([{ name: 'refs/heads/main', hash: a }]);
    // A step that failed used no numbers: each change is numbered one on from the one before.
    expect(
      await store.updateRefs('r', [
        { name: 'refs/heads/x', newHash: a, expectedOldHash: '' },
        { name: 'refs/heads/main', newHash: '', expectedOldHash: a },
      ]),
    ).toEqual([
      { seq: start + 2, name: 'refs/heads/x', oldHash: '', newHash: a },
      { seq: start + 3, name: 'refs/heads/main', oldHash: a, newHash: '' },
    ]);
    expect(await store.listRefs('r', 'refs/heads/')).toEqual([{ name: 'refs/heads/x', hash: a }]);
    expect((await store.refHistory('r', 10)).lastSeq).toBe(start + 3);
  });

  it('refuses refs that clash as file and directory, as git does', async () => {
    const store = createMemoryStore();
    await store.createRepository(record('r'));
    const a = 'a'.repeat(40);
    await store.updateRefs('r', [{ name: 'refs/heads/a/b', newHash: a, expectedOldHash: '' }]);
    await expect(store.updateRefs('r', [{ name: 'refs/heads/a', newHash: a, expectedOldHash: '' }])).rejects.toMatchObject({
      code: 'failed_precondition',
    });
    await expect(store.updateRefs('r', [{ name: 'refs/heads/a/b/c', newHash: a, expectedOldHash: '' }])).rejects.toMatchObject({
      code: 'failed_precondition',
    });
    await store.updateRefs('r', [
      { name: 'refs/heads/a/b', newHash: '', expectedOldHash: a },
      { name: 'refs/heads/a', newHash: a, expectedOldHash: '' },
    ]);
    expect((await store.listRefs('r', '')).map((r) => r.name)).toEqual(['refs/heads/a']);
  });

  it('answers not_found for a missing repository and already_exists for a second create', async () => {
    const store = createMemoryStore();
    await expect(store.getObject('nope', 'a'.repeat(40))).rejects.toMatchObject({ code: 'not_found' });
    await store.createRepository(record('r'));
    await expect(store.createRepository(record('r'))).rejects.toMatchObject({ code: 'already_exists' });
  });
});
