import * as m from '../../src/schema/messages.js';
import type { MessageDescriptor } from '../../src/index.js';

/** One valid message of a type, typed against it so that a schema change breaks the sample. */
export interface Sample {
  readonly label: string;
  readonly type: MessageDescriptor;
  readonly value: unknown;
}

function sample<T>(label: string, type: MessageDescriptor<T>, value: T): Sample {
  return { label, type, value };
}

/** A 40-hex hash made of one repeated digit. */
export const hash = (digit: string): string => digit.repeat(40);

/** Every byte value once, in order. */
export const allByteValues = Uint8Array.from({ length: 256 }, (_, i) => i);

/** `length` deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function pseudoRandomBytes(length: number, seed = 0x2545f491): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

const alice: m.Person = { name: 'Alice Ångström', email: 'alice@example.com', time: 1_700_000_000, tzOffset: '+0200' };
const signature: m.Signature = { name: 'Bob', email: 'bob@example.com', time: -1, tzOffset: '-0730' };

/** A commit request with nested file changes, some carrying bytes. */
export const commitRequest: m.CommitRequest = {
  repo: 'demo',
  branch: 'refs/heads/main',
  message: 'add files\n\nwith a body: ünïcødé 🚀',
  author: alice,
  committer: { name: 'CI', email: 'ci@example.com' },
  parents: [hash('a'), hash('b')],
  changes: [
    { path: 'README.md', content: text('# demo\n') },
    { path: 'bin/all-bytes', content: allByteValues, mode: '100755' },
    { path: 'empty', content: new Uint8Array(0) },
    { path: 'reused', hash: hash('c') },
    { path: 'old.txt', delete: true },
  ],
  expectedHead: hash('a'),
};

/** A batch whose ops carry StoreBlob and Commit requests with bytes, and a read without any. */
export const batchRequest: m.BatchOperationsRequest = {
  repo: 'demo',
  atomic: true,
  operations: [
    { id: 'op-1', method: 'StoreBlob', request: { repo: 'demo', content: allByteValues }, idempotencyKey: 'key-1' },
    { id: 'op-2', method: 'Commit', request: commitRequest },
    { id: 'op-3', method: 'GetBlob', request: { repo: 'demo', hash: hash('d') } },
    { id: 'op-4', method: 'UpdateRef', request: { repo: 'demo', name: 'refs/tags/v1', newHash: hash('e'), expectedOldHash: '' } },
  ],
};

/** A batch response whose results carry GetBlob responses with bytes, and a failure. */
export const batchResponse: m.BatchOperationsResponse = {
  results: [
    { id: 'op-1', method: 'GetBlob', ok: true, response: { hash: hash('1'), size: 256, content: allByteValues } },
    { id: 'op-2', method: 'GetBlob', ok: true, response: { hash: hash('2'), size: 0, content: new Uint8Array(0) } },
    { id: 'op-3', method: 'StoreBlob', ok: true, response: { hash: hash('3'), size: 3 } },
    { id: 'op-4', method: 'UpdateRef', ok: true, response: {} },
    { id: 'op-5', method: 'Commit', ok: false, error: { code: 'aborted', message: 'stale expectedHead' } },
  ],
};

/** At least one valid message of every message type of the service. */
export const samples: readonly Sample[] = [
  sample('Empty', m.Empty, {}),
  sample('RepoRequest', m.RepoRequest, { repo: 'demo' }),
  sample('Repository', m.Repository, { repo: 'demo', defaultBranch: 'refs/heads/main', createdAt: 1_732_700_000_123, head: hash('a') }),
  sample('Repository without head', m.Repository, { repo: 'r', defaultBranch: 'refs/heads/main', createdAt: 0 }),
  sample('ListRepositoriesResponse', m.ListRepositoriesResponse, {
    repos: [
      { repo: 'a', defaultBranch: 'refs/heads/main', createdAt: 1 },
      { repo: 'b', defaultBranch: 'refs/heads/main', createdAt: Number.MAX_SAFE_INTEGER, head: hash('f') },
    ],
  }),
  sample('ListRepositoriesResponse empty', m.ListRepositoriesResponse, { repos: [] }),
  sample('StoreBlobRequest', m.StoreBlobRequest, { repo: 'demo', content: text('hello\n') }),
  sample('StoreBlobRequest all bytes', m.StoreBlobRequest, { repo: 'demo', content: allByteValues }),
  sample('StoreBlobRequest empty', m.StoreBlobRequest, { repo: 'demo', content: new Uint8Array(0) }),
  sample('BlobRef', m.BlobRef, { hash: hash('e'), size: 6 }),
  sample('GetBlobRequest', m.GetBlobRequest, { repo: 'demo', hash: hash('e') }),
  sample('Blob', m.Blob, { hash: hash('e'), size: 3, content: bytes(0, 0x7f, 0xff) }),
  sample('HasObjectsRequest', m.HasObjectsRequest, { repo: 'demo', hashes: [hash('1'), hash('2')] }),
  sample('HasObjectsResponse', m.HasObjectsResponse, { present: [true, false, true] }),
  sample('UploadBlobChunk first', m.UploadBlobChunk, { repo: 'demo', size: 2 ** 40 }),
  sample('UploadBlobChunk data', m.UploadBlobChunk, { data: pseudoRandomBytes(1000) }),
  sample('UploadBlobChunk empty', m.UploadBlobChunk, {}),
  sample('DownloadBlobRequest', m.DownloadBlobRequest, { repo: 'demo', hash: hash('e'), offset: 4096 }),
  sample('DataChunk', m.DataChunk, { data: bytes(1, 2, 3) }),
  sample('Person', m.Person, alice),
  sample('Person minimal', m.Person, { name: 'n', email: 'e' }),
  sample('FileChange', m.FileChange, { path: 'a/b/c.txt', content: text('c'), mode: '100644' }),
  sample('CommitRequest', m.CommitRequest, commitRequest),
  sample('CommitRequest minimal', m.CommitRequest, {
    repo: 'demo',
    branch: 'main',
    message: '',
    author: { name: 'n', email: 'e' },
    changes: [],
  }),
  sample('CommitResponse', m.CommitResponse, { hash: hash('1'), tree: hash('2'), parents: [] }),
  sample('GetCommitRequest', m.GetCommitRequest, { repo: 'demo', hash: hash('1') }),
  sample('Signature', m.Signature, signature),
  sample('CommitInfo', m.CommitInfo, {
    hash: hash('1'),
    tree: hash('2'),
    parents: [hash('3')],
    author: signature,
    committer: signature,
    message: 'm\n',
  }),
  sample('ListCommitsRequest', m.ListCommitsRequest, { repo: 'demo', ref: 'main', limit: 50, pageToken: 'tok' }),
  sample('ListCommitsResponse', m.ListCommitsResponse, {
    commits: [{ hash: hash('1'), tree: hash('2'), parents: [], author: signature, committer: signature, message: 'root\n' }],
    nextPageToken: 'next',
  }),
  sample('ReadFileRequest', m.ReadFileRequest, { repo: 'demo', ref: 'main', path: 'README.md' }),
  sample('FileContent', m.FileContent, { path: 'README.md', hash: hash('9'), mode: '100644', size: 7, content: text('# demo\n') }),
  sample('ListTreeRequest', m.ListTreeRequest, { repo: 'demo', ref: 'main', path: 'src', recursive: true }),
  sample('TreeEntry', m.TreeEntry, { path: 'src', mode: '040000', type: 'tree', hash: hash('8') }),
  sample('ListTreeResponse', m.ListTreeResponse, {
    entries: [
      { path: 'src', mode: '040000', type: 'tree', hash: hash('8') },
      { path: 'src/a.ts', mode: '100644', type: 'blob', hash: hash('7'), size: 12 },
    ],
  }),
  sample('ListRefsRequest', m.ListRefsRequest, { repo: 'demo', prefix: 'refs/tags/' }),
  sample('Ref', m.Ref, { name: 'refs/heads/main', hash: hash('1') }),
  sample('ListRefsResponse', m.ListRefsResponse, { refs: [{ name: 'refs/heads/main', hash: hash('1') }] }),
  sample('UpdateRefRequest', m.UpdateRefRequest, { repo: 'demo', name: 'refs/heads/x', newHash: '', expectedOldHash: hash('1') }),
  sample('BatchOperation', m.BatchOperation, { id: 'x', method: 'StoreBlob', request: { repo: 'demo', content: bytes(9) } }),
  sample('BatchOperationsRequest', m.BatchOperationsRequest, batchRequest),
  sample('ErrorDetail', m.ErrorDetail, { code: 'not_found', message: 'no such blob' }),
  sample('BatchResult', m.BatchResult, { id: 'x', method: 'GetBlob', ok: true, response: { hash: hash('1'), size: 1, content: bytes(0) } }),
  sample('BatchOperationsResponse', m.BatchOperationsResponse, batchResponse),
  sample('WatchRefsRequest', m.WatchRefsRequest, { repo: 'demo', prefix: 'refs/heads/', sinceSeq: 17 }),
  sample('RefEvent', m.RefEvent, { seq: 18, name: 'refs/heads/main', oldHash: '', newHash: hash('1') }),
  sample('HealthResponse', m.HealthResponse, { status: 'SERVING', version: '0.1.0' }),
];

/** Every message descriptor the schema exports. */
export const allMessageTypes: readonly MessageDescriptor[] = (Object.values(m) as unknown[]).filter(
  (value): value is MessageDescriptor => typeof value === 'object' && value !== null && 'typeName' in value && 'fields' in value,
);
