import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, createInProcessTransport, msgpackCodec, StoreBlobRequest, type GovcClient } from '@govc/core';
import { describe, expect, it } from 'vitest';
import { createDiskStore, createGovcService, createMemoryStore } from '../../src/index.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const ada = { name: 'Ada', email: 'ada@example.com' };

type StoreKind = 'memory' | 'disk';

async function setup(
  options: Parameters<typeof createGovcService>[0] = {},
  kind: StoreKind = 'memory',
): Promise<{ client: GovcClient; close: () => Promise<void> }> {
  const dataDir = kind === 'disk' ? await mkdtemp(join(tmpdir(), 'govc-service-')) : undefined;
  const store = options.store ?? (dataDir === undefined ? undefined : await createDiskStore({ dataDir }));
  const service = createGovcService(store === undefined ? options : { ...options, store });
  const transport = createInProcessTransport(service);
  const client = createClient(transport);
  await client.createRepository({ repo: 'r' });
  return {
    client,
    close: async () => {
      await transport.close();
      await service.close();
      if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

describe.each(['memory', 'disk'] as const)('the service on the %s store', (kind) => {
  it('bounds a batch by maxBatchOps (at most 1,000), naming the limit', async () => {
    expect(() => createGovcService({ maxBatchOps: 1_001 })).toThrow('maxBatchOps must be an integer >= 1 and <= 1000, got 1001');
    expect(() => createGovcService({ maxBatchOps: 0 })).toThrow(RangeError);
    const { client, close } = await setup({ maxBatchOps: 2 }, kind);
    const operations = ['a', 'b', 'c'].map((id) => ({ id, method: 'GetRepository', request: {} }));
    await expect(client.batchOperations({ repo: 'r', operations })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringContaining('at most 2'),
    });
    expect((await client.batchOperations({ repo: 'r', operations: operations.slice(0, 2) })).results).toHaveLength(2);
    await close();
  });

  it('reports the package version in Health', async () => {
    const { client, close } = await setup({}, kind);
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect((await client.health({})).version).toBe(pkg.version);
    await close();
  });

  it('serialises concurrent commits to one branch without losing any', async () => {
    const { client, close } = await setup({}, kind);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.commit({ repo: 'r', branch: 'main', message: `c${i}`, author: ada, changes: [{ path: `f${i}`, content: text(String(i)) }] }),
      ),
    );
    const { commits } = await client.listCommits({ repo: 'r', ref: 'main', limit: 100 });
    expect(commits).toHaveLength(20);
    expect(new Set(commits.map((c) => c.hash))).toEqual(new Set(results.map((r) => r.hash)));
    expect((await client.listTree({ repo: 'r', ref: 'main' })).entries).toHaveLength(20);
    await close();
  });

  it('keeps a copy of bytes decoded as views into a larger message buffer', async () => {
    const { client, close } = await setup({}, kind);
    const encoded = msgpackCodec.encode(StoreBlobRequest, { repo: 'r', content: text('abc') });
    const decoded = msgpackCodec.decode(StoreBlobRequest, encoded) as { repo: string; content: Uint8Array };
    const { hash } = await client.storeBlob(decoded);
    decoded.content.fill(0);
    const read = await client.getBlob({ repo: 'r', hash });
    expect(new TextDecoder().decode(read.content)).toBe('abc');
    read.content.fill(0); // what a reader was given is its own
    expect(new TextDecoder().decode((await client.getBlob({ repo: 'r', hash })).content)).toBe('abc');
    await close();
  });

  it('refuses a branch that clashes with another as file and directory', async () => {
    const { client, close } = await setup({}, kind);
    await client.commit({ repo: 'r', branch: 'feature/x', message: 'x', author: ada, changes: [] });
    await expect(client.commit({ repo: 'r', branch: 'feature', message: 'y', author: ada, changes: [] })).rejects.toMatchObject({
      code: 'failed_precondition',
    });
    await close();
  });

  it('refuses a branch pointing at a non-commit and refs at missing objects', async () => {
    const { client, close } = await setup({}, kind);
    const { hash } = await client.storeBlob({ repo: 'r', content: text('b') });
    await expect(client.updateRef({ repo: 'r', name: 'refs/heads/b', newHash: hash, expectedOldHash: '' })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await client.updateRef({ repo: 'r', name: 'refs/tags/blob', newHash: hash, expectedOldHash: '' });
    await expect(client.updateRef({ repo: 'r', name: 'refs/tags/x', newHash: '1'.repeat(40), expectedOldHash: '' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await close();
  });

  it('ends watches when the repository is deleted', async () => {
    const { client, close } = await setup({}, kind);
    const watch = client.watchRefs({ repo: 'r' })[Symbol.asyncIterator]();
    const next = watch.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await client.deleteRepository({ repo: 'r' });
    expect((await next).done).toBe(true);
    await close();
  });
});

describe('the service on a bounded memory store', () => {
  it('answers resource_exhausted past the memory limit and keeps what it had', async () => {
    const { client, close } = await setup({ store: createMemoryStore({ memoryLimit: 64 * 1024 }) });
    const kept = await client.storeBlob({ repo: 'r', content: text('kept') });
    await expect(client.storeBlob({ repo: 'r', content: new Uint8Array(100 * 1024) })).rejects.toMatchObject({
      code: 'resource_exhausted',
    });
    await expect(
      client.commit({
        repo: 'r',
        branch: 'main',
        message: 'big',
        author: ada,
        changes: [{ path: 'big', content: new Uint8Array(100 * 1024) }],
      }),
    ).rejects.toMatchObject({ code: 'resource_exhausted' });
    expect((await client.listRefs({ repo: 'r' })).refs).toEqual([]);
    expect((await client.getBlob({ repo: 'r', hash: kept.hash })).size).toBe(4);
    await close();
  });

  it('lets each StoreBlob op of a batch fail alone when the group does not fit', async () => {
    const { client, close } = await setup({ store: createMemoryStore({ memoryLimit: 64 * 1024 }) });
    const { results } = await client.batchOperations({
      repo: 'r',
      operations: [
        { id: 'a', method: 'StoreBlob', request: { content: text('a') } },
        { id: 'big', method: 'StoreBlob', request: { content: new Uint8Array(100 * 1024) } },
        { id: 'b', method: 'StoreBlob', request: { content: text('b') } },
      ],
    });
    expect(results.map((r) => (r.ok ? 'ok' : r.error!.code))).toEqual(['ok', 'resource_exhausted', 'ok']);
    const hashes = results.filter((r) => r.ok).map((r) => (r.response as { hash: string }).hash);
    expect((await client.hasObjects({ repo: 'r', hashes })).present).toEqual([true, true]);
    await close();
  });
});
