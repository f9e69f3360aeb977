import { GovcError } from '@govc/core';
import type { Storage } from '../store/storage.js';
import { exportRepository, type SourceObject } from './export-repository.js';

/**
 * Writes repository `repo` of `store` to `dir` as a bare git repository that stock git reads
 * (`git log`, `git fsck`, `git clone`). `dir` must not exist yet or be empty.
 */
export async function exportStoredRepository(store: Storage, repo: string, dir: string): Promise<void> {
  const record = await store.getRepository(repo);
  if (!record) throw new GovcError('not_found', `repository ${JSON.stringify(repo)} not found`);
  const refs = await store.listRefs(repo, 'refs/');
  await exportRepository(dir, {
    async *objects(): AsyncGenerator<SourceObject> {
      for await (const hash of store.objectHashes(repo)) {
        const object = await store.getObject(repo, hash);
        if (object) yield { hash, type: object.type, body: object.body };
      }
    },
    refs,
    head: `refs/heads/${record.defaultBranch}`,
  });
}
