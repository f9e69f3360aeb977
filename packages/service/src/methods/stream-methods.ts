import {
  GovcError,
  UploadBlobChunk,
  DownloadBlobRequest,
  WatchRefsRequest,
  type BlobRef,
  type DataChunk,
  type HandlerContext,
  type RefEvent,
} from '@govc/core';
import { checkMessage } from '@govc/core/protocol';
import { checkProgress } from '../model/check-progress.js';
import type { ServiceState } from '../service-state.js';
import { checkHash } from '../validation/hash.js';

/** DownloadBlob chunk size: large enough to amortise framing, small enough for smooth flow control. */
export const downloadChunkSize = 64 * 1024;

/**
 * UploadBlob: the first message names the repository (and may declare the size and carry
 * data); the rest carry data only. Bytes stream into the store as they arrive.
 */
export async function uploadBlob(state: ServiceState, requests: AsyncIterable<unknown>, call: HandlerContext): Promise<BlobRef> {
  const iterator = requests[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) throw new GovcError('invalid_argument', 'empty upload: the first message must name the repository');
  checkMessage(UploadBlobChunk, first.value);
  const { repo, size, data } = first.value;
  if (repo === undefined) throw new GovcError('invalid_argument', 'the first upload message must name the repository');
  const ctx = await state.open(repo, call);
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (data) yield data;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      checkMessage(UploadBlobChunk, next.value);
      if (next.value.repo !== undefined || next.value.size !== undefined) {
        throw new GovcError('invalid_argument', 'only the first upload message may carry repo and size');
      }
      checkProgress(ctx.call);
      if (next.value.data) yield next.value.data;
    }
  }
  return state.store.writeBlob(repo, chunks(), size);
}

/** DownloadBlob: a blob's bytes from `offset`, read from the store only as fast as they are consumed. */
export async function* downloadBlob(state: ServiceState, request: unknown, call: HandlerContext): AsyncGenerator<DataChunk> {
  checkMessage(DownloadBlobRequest, request);
  const ctx = await state.open(request.repo, call);
  checkHash(request.hash, 'hash');
  const info = await state.store.getObjectInfo(ctx.repo, request.hash);
  if (!info || info.type !== 'blob') throw new GovcError('not_found', `blob ${request.hash} not found`);
  const offset = request.offset ?? 0;
  if (offset > info.size) throw new GovcError('out_of_range', `offset ${offset} is past the blob's end (${info.size})`);
  // The first message also carries the blob's whole size (for Content-Length, progress); an
  // empty remainder still yields that one message.
  let first = true;
  for await (const data of state.store.readBlob(ctx.repo, request.hash, offset, downloadChunkSize)) {
    checkProgress(ctx.call);
    yield first ? { data, size: info.size } : { data };
    first = false;
  }
  if (first) yield { data: new Uint8Array(0), size: info.size };
}

/** WatchRefs: ref changes as they happen, resumable after `sinceSeq` within the kept history. */
export async function* watchRefs(state: ServiceState, request: unknown, call: HandlerContext): AsyncGenerator<RefEvent> {
  checkMessage(WatchRefsRequest, request);
  const ctx = await state.open(request.repo, call);
  const { log } = await state.live(ctx.repo);
  yield* log.watch(request.prefix ?? '', request.sinceSeq, call.signal);
}
