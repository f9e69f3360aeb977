export * from './auth.js';
export * from './batching.js';
export * from './deadline.js';
export * from './idempotency-key.js';
export * from './metrics.js';
export * from './retry.js';
export * from './retry-policy.js';
