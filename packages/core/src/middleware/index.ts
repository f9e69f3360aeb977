export { bearerAuth, type BearerToken } from './auth.js';
export { batching, type BatchingOptions } from './batching.js';
export { deadline, type DeadlineOptions } from './deadline.js';
export { idempotencyKeyHeader, newIdempotencyKey } from './idempotency-key.js';
export { metrics, type CallEndInfo, type MetricsHook, type MetricsOptions } from './metrics.js';
export { retry, type RetryOptions, type Sleep } from './retry.js';
export type { RetryBudgetOptions, RetryPolicyOptions } from './retry-policy.js';
