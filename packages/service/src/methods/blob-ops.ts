import {
  GovcError,
  type Blob,
  type BlobRef,
  type GetBlobRequest,
  type HasObjectsRequest,
  type HasObjectsResponse,
  type StoreBlobRequest,
} from '@govc/core';
import type { OpContext } from '../model/op-context.js';
import { hashObject } from '../objects/hash.js';
import { copyBytes } from '../util/copy-bytes.js';
import { checkHash } from '../validation/hash.js';

/** Most hashes one HasObjects call may ask about. */
export const maxHasObjects = 10_000;

/** StoreBlob: hashes the bytes as git does and keeps them (a no-op when already present). */
export async function storeBlob(ctx: OpContext, request: StoreBlobRequest): Promise<BlobRef> {
  const hash = hashObject('blob', request.content);
  await ctx.store.putObjects(ctx.repo, [{ hash, type: 'blob', body: request.content }]);
  return { hash, size: request.content.byteLength };
}

/** Stores many blobs with one store write (a batch's run of StoreBlob ops). */
export async function storeBlobs(ctx: OpContext, contents: readonly Uint8Array[]): Promise<BlobRef[]> {
  const objects = contents.map((body) => ({ hash: hashObject('blob', body), type: 'blob' as const, body }));
  await ctx.store.putObjects(ctx.repo, objects);
  return objects.map((object) => ({ hash: object.hash, size: object.body.byteLength }));
}

/** GetBlob: a blob's bytes; `not_found` for a missing object or one that is not a blob. */
export async function getBlob(ctx: OpContext, request: GetBlobRequest): Promise<Blob> {
  checkHash(request.hash, 'hash');
  const object = await ctx.store.getObject(ctx.repo, request.hash);
  if (!object || object.type !== 'blob') throw new GovcError('not_found', `blob ${request.hash} not found`);
  return { hash: request.hash, size: object.size, content: copyBytes(object.body) };
}

/** HasObjects: which of the hashes the repository holds, in request order. */
export async function hasObjects(ctx: OpContext, request: HasObjectsRequest): Promise<HasObjectsResponse> {
  if (request.hashes.length > maxHasObjects) {
    throw new GovcError('invalid_argument', `at most ${maxHasObjects} hashes per call, got ${request.hashes.length}`);
  }
  request.hashes.forEach((hash, i) => checkHash(hash, `hashes[${i}]`));
  return { present: await ctx.store.hasObjects(ctx.repo, request.hashes) };
}
