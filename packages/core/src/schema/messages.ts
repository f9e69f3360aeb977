import { dynamic, message, nested, optional, repeated, scalar, type MessageOf } from './message.js';

/* The messages of govc.v1.GoVCService, in the order SPEC.md lists the methods. */

export const Empty = message('govc.v1.Empty', {});
export type Empty = MessageOf<typeof Empty>;

export const RepoRequest = message('govc.v1.RepoRequest', { repo: scalar(1, 'string') });
export type RepoRequest = MessageOf<typeof RepoRequest>;

export const Repository = message('govc.v1.Repository', {
  repo: scalar(1, 'string'),
  defaultBranch: scalar(2, 'string'),
  /** Unix milliseconds. */
  createdAt: scalar(3, 'uint'),
  /** The default branch's commit, when the branch exists. */
  head: optional(scalar(4, 'string')),
});
export type Repository = MessageOf<typeof Repository>;

export const ListRepositoriesResponse = message('govc.v1.ListRepositoriesResponse', {
  repos: repeated(nested(1, Repository)),
});
export type ListRepositoriesResponse = MessageOf<typeof ListRepositoriesResponse>;

export const StoreBlobRequest = message('govc.v1.StoreBlobRequest', {
  repo: scalar(1, 'string'),
  content: scalar(2, 'bytes'),
});
export type StoreBlobRequest = MessageOf<typeof StoreBlobRequest>;

export const BlobRef = message('govc.v1.BlobRef', {
  hash: scalar(1, 'string'),
  size: scalar(2, 'uint'),
});
export type BlobRef = MessageOf<typeof BlobRef>;

export const GetBlobRequest = message('govc.v1.GetBlobRequest', {
  repo: scalar(1, 'string'),
  hash: scalar(2, 'string'),
});
export type GetBlobRequest = MessageOf<typeof GetBlobRequest>;

export const Blob = message('govc.v1.Blob', {
  hash: scalar(1, 'string'),
  size: scalar(2, 'uint'),
  content: scalar(3, 'bytes'),
});
export type Blob = MessageOf<typeof Blob>;

export const HasObjectsRequest = message('govc.v1.HasObjectsRequest', {
  repo: scalar(1, 'string'),
  hashes: repeated(scalar(2, 'string')),
});
export type HasObjectsRequest = MessageOf<typeof HasObjectsRequest>;

export const HasObjectsResponse = message('govc.v1.HasObjectsResponse', {
  present: repeated(scalar(1, 'bool')),
});
export type HasObjectsResponse = MessageOf<typeof HasObjectsResponse>;

/** One message of an upload: the first names the repository (and size), the rest carry data. */
export const UploadBlobChunk = message('govc.v1.UploadBlobChunk', {
  repo: optional(scalar(1, 'string')),
  size: optional(scalar(2, 'uint')),
  data: optional(scalar(3, 'bytes')),
});
export type UploadBlobChunk = MessageOf<typeof UploadBlobChunk>;

export const DownloadBlobRequest = message('govc.v1.DownloadBlobRequest', {
  repo: scalar(1, 'string'),
  hash: scalar(2, 'string'),
  offset: optional(scalar(3, 'uint')),
});
export type DownloadBlobRequest = MessageOf<typeof DownloadBlobRequest>;

export const DataChunk = message('govc.v1.DataChunk', {
  data: scalar(1, 'bytes'),
  /** The blob's whole size, on a download's first message only. */
  size: optional(scalar(2, 'uint')),
});
export type DataChunk = MessageOf<typeof DataChunk>;

export const Person = message('govc.v1.Person', {
  name: scalar(1, 'string'),
  email: scalar(2, 'string'),
  /** Unix seconds; defaults to now. */
  time: optional(scalar(3, 'int')),
  /** Like `+0200`; defaults to `+0000`. */
  tzOffset: optional(scalar(4, 'string')),
});
export type Person = MessageOf<typeof Person>;

export const FileChange = message('govc.v1.FileChange', {
  path: scalar(1, 'string'),
  content: optional(scalar(2, 'bytes')),
  /** An existing blob to place at `path` instead of `content`. */
  hash: optional(scalar(3, 'string')),
  /** Octal git mode: `100644` (default), `100755` or `120000`. */
  mode: optional(scalar(4, 'string')),
  delete: optional(scalar(5, 'bool')),
});
export type FileChange = MessageOf<typeof FileChange>;

export const CommitRequest = message('govc.v1.CommitRequest', {
  repo: scalar(1, 'string'),
  /** `main` or `refs/heads/main`. */
  branch: scalar(2, 'string'),
  message: scalar(3, 'string'),
  author: nested(4, Person),
  committer: optional(nested(5, Person)),
  /** Defaults to the branch head; give two or more for a merge, none for a root commit. */
  parents: optional(repeated(scalar(6, 'string'))),
  changes: repeated(nested(7, FileChange)),
  /** The branch head the caller expects; `""` means the branch must not exist yet. */
  expectedHead: optional(scalar(8, 'string')),
});
export type CommitRequest = MessageOf<typeof CommitRequest>;

export const CommitResponse = message('govc.v1.CommitResponse', {
  hash: scalar(1, 'string'),
  tree: scalar(2, 'string'),
  parents: repeated(scalar(3, 'string')),
});
export type CommitResponse = MessageOf<typeof CommitResponse>;

export const GetCommitRequest = message('govc.v1.GetCommitRequest', {
  repo: scalar(1, 'string'),
  hash: scalar(2, 'string'),
});
export type GetCommitRequest = MessageOf<typeof GetCommitRequest>;

/** A person as stored in a commit: every field set. */
export const Signature = message('govc.v1.Signature', {
  name: scalar(1, 'string'),
  email: scalar(2, 'string'),
  time: scalar(3, 'int'),
  tzOffset: scalar(4, 'string'),
});
export type Signature = MessageOf<typeof Signature>;

export const CommitInfo = message('govc.v1.CommitInfo', {
  hash: scalar(1, 'string'),
  tree: scalar(2, 'string'),
  parents: repeated(scalar(3, 'string')),
  author: nested(4, Signature),
  committer: nested(5, Signature),
  message: scalar(6, 'string'),
});
export type CommitInfo = MessageOf<typeof CommitInfo>;

export const ListCommitsRequest = message('govc.v1.ListCommitsRequest', {
  repo: scalar(1, 'string'),
  ref: scalar(2, 'string'),
  limit: optional(scalar(3, 'uint')),
  pageToken: optional(scalar(4, 'string')),
});
export type ListCommitsRequest = MessageOf<typeof ListCommitsRequest>;

export const ListCommitsResponse = message('govc.v1.ListCommitsResponse', {
  commits: repeated(nested(1, CommitInfo)),
  nextPageToken: optional(scalar(2, 'string')),
});
export type ListCommitsResponse = MessageOf<typeof ListCommitsResponse>;

export const ReadFileRequest = message('govc.v1.ReadFileRequest', {
  repo: scalar(1, 'string'),
  ref: scalar(2, 'string'),
  path: scalar(3, 'string'),
});
export type ReadFileRequest = MessageOf<typeof ReadFileRequest>;

export const FileContent = message('govc.v1.FileContent', {
  path: scalar(1, 'string'),
  hash: scalar(2, 'string'),
  mode: scalar(3, 'string'),
  size: scalar(4, 'uint'),
  content: scalar(5, 'bytes'),
});
export type FileContent = MessageOf<typeof FileContent>;

export const ListTreeRequest = message('govc.v1.ListTreeRequest', {
  repo: scalar(1, 'string'),
  ref: scalar(2, 'string'),
  /** The directory to list; absent or `""` is the root. */
  path: optional(scalar(3, 'string')),
  recursive: optional(scalar(4, 'bool')),
});
export type ListTreeRequest = MessageOf<typeof ListTreeRequest>;

export const TreeEntry = message('govc.v1.TreeEntry', {
  path: scalar(1, 'string'),
  mode: scalar(2, 'string'),
  /** `blob`, `tree` or `commit` (a submodule). */
  type: scalar(3, 'string'),
  hash: scalar(4, 'string'),
  /** The blob's size; absent for trees. */
  size: optional(scalar(5, 'uint')),
});
export type TreeEntry = MessageOf<typeof TreeEntry>;

export const ListTreeResponse = message('govc.v1.ListTreeResponse', {
  entries: repeated(nested(1, TreeEntry)),
});
export type ListTreeResponse = MessageOf<typeof ListTreeResponse>;

export const ListRefsRequest = message('govc.v1.ListRefsRequest', {
  repo: scalar(1, 'string'),
  prefix: optional(scalar(2, 'string')),
});
export type ListRefsRequest = MessageOf<typeof ListRefsRequest>;

export const Ref = message('govc.v1.Ref', {
  name: scalar(1, 'string'),
  hash: scalar(2, 'string'),
});
export type Ref = MessageOf<typeof Ref>;

export const ListRefsResponse = message('govc.v1.ListRefsResponse', { refs: repeated(nested(1, Ref)) });
export type ListRefsResponse = MessageOf<typeof ListRefsResponse>;

export const UpdateRefRequest = message('govc.v1.UpdateRefRequest', {
  repo: scalar(1, 'string'),
  name: scalar(2, 'string'),
  /** `""` deletes the ref. */
  newHash: scalar(3, 'string'),
  /** `""` means the ref must not exist yet. */
  expectedOldHash: scalar(4, 'string'),
});
export type UpdateRefRequest = MessageOf<typeof UpdateRefRequest>;

export const BatchOperation = message('govc.v1.BatchOperation', {
  id: scalar(1, 'string'),
  /** A batchable method's name, e.g. `StoreBlob`. */
  method: scalar(2, 'string'),
  request: dynamic(3, 'request'),
  idempotencyKey: optional(scalar(4, 'string')),
});
export type BatchOperation = MessageOf<typeof BatchOperation>;

export const BatchOperationsRequest = message('govc.v1.BatchOperationsRequest', {
  repo: scalar(1, 'string'),
  atomic: optional(scalar(2, 'bool')),
  operations: repeated(nested(3, BatchOperation)),
});
export type BatchOperationsRequest = MessageOf<typeof BatchOperationsRequest>;

export const ErrorDetail = message('govc.v1.Error', {
  code: scalar(1, 'string'),
  message: scalar(2, 'string'),
});
export type ErrorDetail = MessageOf<typeof ErrorDetail>;

/**
 * One op's outcome: `ok` with `response`, or not `ok` with `error`. It repeats the op's `method`
 * so that a codec can decode `response` without the request at hand (the proto's `oneof` case
 * carries the same fact).
 */
export const BatchResult = message('govc.v1.BatchResult', {
  id: scalar(1, 'string'),
  method: scalar(2, 'string'),
  ok: scalar(3, 'bool'),
  response: optional(dynamic(4, 'response')),
  error: optional(nested(5, ErrorDetail)),
});
export type BatchResult = MessageOf<typeof BatchResult>;

export const BatchOperationsResponse = message('govc.v1.BatchOperationsResponse', {
  results: repeated(nested(1, BatchResult)),
});
export type BatchOperationsResponse = MessageOf<typeof BatchOperationsResponse>;

export const WatchRefsRequest = message('govc.v1.WatchRefsRequest', {
  repo: scalar(1, 'string'),
  prefix: optional(scalar(2, 'string')),
  /** Resume after this sequence number; absent starts with the next change. */
  sinceSeq: optional(scalar(3, 'uint')),
});
export type WatchRefsRequest = MessageOf<typeof WatchRefsRequest>;

export const RefEvent = message('govc.v1.RefEvent', {
  seq: scalar(1, 'uint'),
  name: scalar(2, 'string'),
  /** `""` when the ref was created. */
  oldHash: scalar(3, 'string'),
  /** `""` when the ref was deleted. */
  newHash: scalar(4, 'string'),
});
export type RefEvent = MessageOf<typeof RefEvent>;

export const HealthResponse = message('govc.v1.HealthResponse', {
  status: scalar(1, 'string'),
  version: scalar(2, 'string'),
});
export type HealthResponse = MessageOf<typeof HealthResponse>;
