import { createClient, createInProcessTransport, type GovcClient } from '@govc/core';
import { describe, expect, it } from 'vitest';
import { useDiskFixture } from './disk-fixture.js';
import { createGovcService } from '../../../src/index.js';
import { createDiskStore } from '../../../src/store/disk/create-disk-store.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const ada = { name: 'Ada', email: 'ada@example.com' };
const keyed = (key: string) => ({ headers: { 'idempotency-key': key } });

const { defer, dataDir } = useDiskFixture('govc-durable-keys-');

/**
 * A server life on `dir`: a new service (with an empty idempotency memory) on the disk store.
 * Ending it stands in for a crash: what survives is only what the store made durable.
 */
async function life(dir: string): Promise<{ client: GovcClient; end: () => Promise<void> }> {
  const service = createGovcService({ store: await createDiskStore({ dataDir: dir }) });
  const transport = createInProcessTransport(service);
  const end = async () => (await transport.close(), await service.close());
  defer(end);
  return { client: createClient(transport), end };
}

describe('idempotency on the disk store, across a restart', () => {
  it('answers a repeated Commit with the first outcome and commits once', async () => {
    const dir = await dataDir();
    const first = await life(dir);
    await first.client.createRepository({ repo: 'r' });
    const request = { repo: 'r', branch: 'main', message: 'once', author: ada, changes: [{ path: 'f', content: text('1') }] };
    const done = await first.client.commit(request, keyed('commit-1'));
    await first.end();

    const second = await life(dir);
    expect(await second.client.commit(request, keyed('commit-1'))).toEqual(done);
    expect((await second.client.listCommits({ repo: 'r', ref: 'main' })).commits.map((c) => c.hash)).toEqual([done.hash]);
    // The same key for a different request is still caught.
    await expect(second.client.commit({ ...request, message: 'other' }, keyed('commit-1'))).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    // A new key commits again.
    const next = await second.client.commit(request, keyed('commit-2'));
    expect(next.parents).toEqual([done.hash]);
  });

  it('answers a repeated UpdateRef with its first outcome, not with the compare-and-swap failure a rerun would meet', async () => {
    const dir = await dataDir();
    const first = await life(dir);
    await first.client.createRepository({ repo: 'r' });
    const { hash } = await first.client.commit({ repo: 'r', branch: 'main', message: 'base', author: ada, changes: [] });
    const request = { repo: 'r', name: 'refs/tags/v1', newHash: hash, expectedOldHash: '' };
    await first.client.updateRef(request, keyed('tag'));
    await first.end();

    const second = await life(dir);
    await expect(second.client.updateRef(request)).rejects.toMatchObject({ code: 'aborted' });
    await expect(second.client.updateRef(request, keyed('tag'))).resolves.toEqual({});
  });

  it('keeps an atomic batch outcome and its ops own keys with the batch’s one ref step', async () => {
    const dir = await dataDir();
    const first = await life(dir);
    await first.client.createRepository({ repo: 'r' });
    const request = {
      repo: 'r',
      atomic: true,
      operations: [
        { id: 'a', method: 'Commit', request: { branch: 'main', message: 'a', author: ada, changes: [{ path: 'a', content: text('a') }] } },
        { id: 'b', method: 'Commit', request: { branch: 'dev', message: 'b', author: ada, changes: [] } },
        { id: 'c', method: 'Commit', request: { branch: 'side', message: 'c', author: ada, changes: [] }, idempotencyKey: 'op-c' },
      ],
    };
    const done = await first.client.batchOperations(request, keyed('batch'));
    expect(done.results.every((r) => r.ok)).toBe(true);
    await first.end();

    const second = await life(dir);
    expect(await second.client.batchOperations(request, keyed('batch'))).toEqual(done);
    // The op's own key was kept in the same step: alone it answers as it did inside the batch.
    const opResponse = done.results[2]!.response;
    expect(await second.client.commit({ repo: 'r', ...request.operations[2]!.request }, keyed('op-c'))).toEqual(opResponse);
    for (const branch of ['main', 'dev', 'side']) {
      expect((await second.client.listCommits({ repo: 'r', ref: branch })).commits).toHaveLength(1);
    }
  });

  it('keeps the keyed ops of a plain batch, each with its own ref move', async () => {
    const dir = await dataDir();
    const first = await life(dir);
    await first.client.createRepository({ repo: 'r' });
    const request = {
      repo: 'r',
      operations: [
        { id: 'x', method: 'Commit', request: { branch: 'main', message: 'x', author: ada, changes: [] }, idempotencyKey: 'op-x' },
        { id: 'y', method: 'Commit', request: { branch: 'main', message: 'y', author: ada, changes: [] }, idempotencyKey: 'op-y' },
      ],
    };
    const done = await first.client.batchOperations(request);
    await first.end();

    const second = await life(dir);
    expect(await second.client.batchOperations(request)).toEqual(done);
    expect((await second.client.listCommits({ repo: 'r', ref: 'main' })).commits).toHaveLength(2);
  });

  it('answers a repeated CreateRepository with its first outcome', async () => {
    const dir = await dataDir();
    const first = await life(dir);
    const done = await first.client.createRepository({ repo: 'r' }, keyed('create'));
    await first.end();

    const second = await life(dir);
    expect(await second.client.createRepository({ repo: 'r' }, keyed('create'))).toEqual(done);
    await expect(second.client.createRepository({ repo: 'r' })).rejects.toMatchObject({ code: 'already_exists' });
  });

  it('answers a repeated DeleteRepository with its first outcome while the process lives', async () => {
    const dir = await dataDir();
    const { client } = await life(dir);
    await client.createRepository({ repo: 'r' });
    await expect(client.deleteRepository({ repo: 'r' }, keyed('delete'))).resolves.toEqual({});
    await expect(client.deleteRepository({ repo: 'r' }, keyed('delete'))).resolves.toEqual({});
    await expect(client.deleteRepository({ repo: 'r' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
