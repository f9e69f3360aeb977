export * from './describe-transport-conformance.js';
export * from './conformance-methods.js';
export type * from './kit.js';
export type { ServerProbe } from './conformance-handler.js';
