/**
 * `@govc/server`: one listener for every binding, with auth, limits, `/healthz`, `/readyz` and
 * Prometheus `/metrics`. The `govc` CLI (`src/cli.ts`) is built from these same pieces.
 */

// The server.
export { createGovcServer, type GovcServer, type ListeningAddress } from './create-govc-server.js';
export type {
  GovcServerHttp2Options,
  GovcServerLimits,
  GovcServerOptions,
  GovcServerTimeouts,
  GovcServerTlsOptions,
} from './server-options.js';

// Auth: token grants, the access policy, and the handler that enforces it.
export { parseTokenGrants, type AccessLevel, type TokenGrant } from './auth/access-grants.js';
export { createAccessPolicy, type AccessPolicy, type Principal } from './auth/access-policy.js';
export { authorizeHandler } from './auth/authorize-handler.js';
export { methodAccess } from './auth/method-access.js';

// Observability: metrics and the per-call log.
export { createServerMetrics, type ServerMetrics } from './metrics/server-metrics.js';
export type { RuntimeMonitor } from './metrics/runtime-monitor.js';
export { MetricsRegistry } from './metrics/metrics-registry.js';
export type { Counter, CounterOptions, CounterSeries } from './metrics/counter.js';
export type { Gauge, GaugeOptions, GaugeSeries } from './metrics/gauge.js';
export type { Histogram, HistogramOptions, HistogramSeries } from './metrics/histogram.js';
export type { MetricOptions } from './metrics/metric-family.js';
export { registerStoreMetrics } from './metrics/store-metrics.js';
export { registerIdempotencyMetrics } from './metrics/idempotency-metrics.js';
export { createCallLog } from './logging/call-log.js';
