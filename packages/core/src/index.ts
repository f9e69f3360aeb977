/**
 * `@govc/core`, for applications: the typed client, the `Transport` it calls through, codecs,
 * errors, middleware, the service schema, the handler types a service implements, and the
 * in-process transport. What transport packages build from is at `@govc/core/protocol` (any
 * runtime) and `@govc/core/node`; the conformance kit is at `@govc/core/conformance`.
 */

// The client and the transport it calls through.
export { createClient, type ClientMethod, type ClientOptions, type GovcClient } from './client/create-client.js';
export type { CallHeaders, CallOptions, Transport } from './transport.js';
export { createInProcessTransport, type InProcessTransportOptions } from './in-process/in-process-transport.js';
export { createFaultPlan, type FaultPlan, type FaultStats } from './in-process/faults.js';

// Errors: one class, one closed set of codes.
export { GovcError, type GovcErrorOptions } from './errors/govc-error.js';
export { errorCodes, isErrorCode, type ErrorCode } from './errors/code.js';

// Codecs.
export { jsonCodec } from './codec/json.js';
export { msgpackCodec } from './codec/msgpack.js';
export type { Codec } from './codec/codec.js';

// Middleware, composed outermost first.
export {
  compose,
  withHeaders,
  type Call,
  type Middleware,
  type Next,
  type Reply,
  type StreamCall,
  type StreamReply,
  type UnaryCall,
  type UnaryReply,
} from './middleware/middleware.js';
export * from './middleware/index.js';

// The service: its schema, its messages, and the handler that implements it.
export {
  govcMethods,
  govcServiceName,
  type AnyMethod,
  type GovcMethodName,
  type GovcMethods,
  type InputOf,
  type MethodDescriptor,
  type MethodKind,
  type OutputOf,
} from './schema/methods.js';
export {
  describeService,
  type ErrorDescription,
  type FieldDescription,
  type MessageDescription,
  type MethodDescription,
  type ServiceDescription,
} from './schema/service-description.js';
export type { FieldDescriptor, FieldKind, MessageDescriptor, MessageOf, ScalarKind, ScalarTypes } from './schema/message.js';
export {
  BatchOperation,
  BatchOperationsRequest,
  BatchOperationsResponse,
  BatchResult,
  Blob,
  BlobRef,
  CommitInfo,
  CommitRequest,
  CommitResponse,
  DataChunk,
  DownloadBlobRequest,
  Empty,
  ErrorDetail,
  FileChange,
  FileContent,
  GetBlobRequest,
  GetCommitRequest,
  HasObjectsRequest,
  HasObjectsResponse,
  HealthResponse,
  ListCommitsRequest,
  ListCommitsResponse,
  ListRefsRequest,
  ListRefsResponse,
  ListRepositoriesResponse,
  ListTreeRequest,
  ListTreeResponse,
  Person,
  ReadFileRequest,
  Ref,
  RefEvent,
  RepoRequest,
  Repository,
  Signature,
  StoreBlobRequest,
  TreeEntry,
  UpdateRefRequest,
  UploadBlobChunk,
  WatchRefsRequest,
} from './schema/messages.js';
export type { AnyHandler, CallFacts, HandlerContext, HandlerMethod, ServiceHandler } from './handler.js';
