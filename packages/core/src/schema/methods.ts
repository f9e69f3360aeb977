import type { MessageDescriptor } from './message.js';
import * as m from './messages.js';

/** The four call shapes. */
export type MethodKind = 'unary' | 'client_stream' | 'server_stream' | 'bidi';

/** A method as every layer sees it: client, middleware, transports, bindings, service, bench. */
export interface MethodDescriptor<I = unknown, O = unknown, K extends MethodKind = MethodKind> {
  /** Fully qualified service name, e.g. `govc.v1.GoVCService`. */
  readonly service: string;
  /** PascalCase, as on the wire: `StoreBlob`. */
  readonly name: string;
  /** camelCase, as on the typed client: `storeBlob`. */
  readonly localName: string;
  readonly kind: K;
  readonly input: MessageDescriptor<I>;
  readonly output: MessageDescriptor<O>;
  /** Safe to repeat without an idempotency key: repeating it changes nothing more. */
  readonly idempotent: boolean;
  /** May travel as an op of `BatchOperations` (unary, acts inside one repository). */
  readonly batchable: boolean;
}

/** Any method, whatever its message types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMethod = MethodDescriptor<any, any>;

export type InputOf<M> = M extends MethodDescriptor<infer I, unknown> ? I : never;
export type OutputOf<M> = M extends MethodDescriptor<unknown, infer O> ? O : never;

interface MethodFlags {
  readonly idempotent?: boolean;
  readonly batchable?: boolean;
}

export const govcServiceName = 'govc.v1.GoVCService';

function method<I, O, K extends MethodKind>(
  name: string,
  kind: K,
  input: MessageDescriptor<I>,
  output: MessageDescriptor<O>,
  flags: MethodFlags = {},
): MethodDescriptor<I, O, K> {
  return {
    service: govcServiceName,
    name,
    localName: name[0]!.toLowerCase() + name.slice(1),
    kind,
    input,
    output,
    idempotent: flags.idempotent ?? false,
    batchable: flags.batchable ?? false,
  };
}

const read = { idempotent: true, batchable: true } as const;

/** Every method of `govc.v1.GoVCService`: the one source of truth for all layers. */
export const govcMethods = {
  CreateRepository: method('CreateRepository', 'unary', m.RepoRequest, m.Repository),
  GetRepository: method('GetRepository', 'unary', m.RepoRequest, m.Repository, read),
  ListRepositories: method('ListRepositories', 'unary', m.Empty, m.ListRepositoriesResponse, { idempotent: true }),
  DeleteRepository: method('DeleteRepository', 'unary', m.RepoRequest, m.Empty),
  // Storing the same bytes twice yields the same object: idempotent by nature.
  StoreBlob: method('StoreBlob', 'unary', m.StoreBlobRequest, m.BlobRef, read),
  GetBlob: method('GetBlob', 'unary', m.GetBlobRequest, m.Blob, read),
  HasObjects: method('HasObjects', 'unary', m.HasObjectsRequest, m.HasObjectsResponse, read),
  UploadBlob: method('UploadBlob', 'client_stream', m.UploadBlobChunk, m.BlobRef, { idempotent: true }),
  DownloadBlob: method('DownloadBlob', 'server_stream', m.DownloadBlobRequest, m.DataChunk, { idempotent: true }),
  Commit: method('Commit', 'unary', m.CommitRequest, m.CommitResponse, { batchable: true }),
  GetCommit: method('GetCommit', 'unary', m.GetCommitRequest, m.CommitInfo, read),
  ListCommits: method('ListCommits', 'unary', m.ListCommitsRequest, m.ListCommitsResponse, read),
  ReadFile: method('ReadFile', 'unary', m.ReadFileRequest, m.FileContent, read),
  ListTree: method('ListTree', 'unary', m.ListTreeRequest, m.ListTreeResponse, read),
  ListRefs: method('ListRefs', 'unary', m.ListRefsRequest, m.ListRefsResponse, read),
  UpdateRef: method('UpdateRef', 'unary', m.UpdateRefRequest, m.Empty, { batchable: true }),
  BatchOperations: method('BatchOperations', 'unary', m.BatchOperationsRequest, m.BatchOperationsResponse),
  WatchRefs: method('WatchRefs', 'server_stream', m.WatchRefsRequest, m.RefEvent, { idempotent: true }),
  Health: method('Health', 'unary', m.Empty, m.HealthResponse, { idempotent: true }),
} as const;

export type GovcMethods = typeof govcMethods;
export type GovcMethodName = keyof GovcMethods;

const byName: ReadonlyMap<string, AnyMethod> = new Map(Object.values(govcMethods).map((d) => [d.name, d]));

/** Finds a govc method by its wire name; `undefined` for an unknown name. */
export function findMethod(name: string): AnyMethod | undefined {
  return byName.get(name);
}
