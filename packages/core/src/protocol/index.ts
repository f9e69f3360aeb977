/**
 * `@govc/core/protocol`: what a wire binding or client is built from, on any runtime (Node,
 * browsers, workers). Nothing here imports a Node builtin or reads Node's globals without
 * feature-testing them; `test/protocol/runtime-neutral.test.ts` holds every file it reaches to
 * that. Node-only pieces (HTTP/2 sessions, body reading, gzip) are at `@govc/core/node`.
 */
export * from './handler-method.js';
export * from './error-from-handler.js';
export * from './call-scope.js';
export * from './deadline-wheel.js';
export * from './envelope.js';
export * from './end-stream.js';
export * from './base64.js';
