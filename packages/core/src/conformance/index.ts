export * from './describe-transport-conformance.js';
export * from './run-conformance.js';
export * from './conformance-cases.js';
export * from './conformance-methods.js';
export { capabilityBounds } from './capabilities.js';
export { gitBlobHash } from './git-blob-hash.js';
export type * from './conformance-case.js';
export type * from './kit.js';
export type { ServerProbe } from './conformance-handler.js';
