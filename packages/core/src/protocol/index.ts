/**
 * `@govc/core/protocol`, for transport packages: what a wire binding or client is built from, on
 * any runtime (Node, browsers, workers). Nothing here imports a Node builtin or reads Node's
 * globals without feature-testing them; `test/protocol/runtime-neutral.test.ts` holds every file
 * it reaches to that. Node-only pieces (HTTP/2 sessions, body reading, gzip) are at `@govc/core/node`.
 */

// Dispatching a call to a handler, and the error it throws.
export * from './handler-method.js';
export * from './error-from-handler.js';
export { noHeaders } from '../handler.js';
export { checkMessage } from '../schema/check.js';
export { findMethod } from '../schema/methods.js';

// Error codes on the wire.
export { httpStatusOf, codeFromHttpStatus } from '../errors/http-status.js';
export { grpcStatusOf } from '../errors/code.js';

// The life of a call: its scope, deadline and cancellation.
export * from './call-scope.js';
export * from './deadline-wheel.js';

// Framing.
export * from './envelope.js';
export * from './end-stream.js';
export * from './base64.js';

// Options, checked once where they are resolved.
export { optionValue, type OptionRange } from '../options/option-value.js';

// Testing a binding under failure.
export { withFaults } from '../in-process/faults.js';
