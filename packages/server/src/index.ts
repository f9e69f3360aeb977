export * from './create-govc-server.js';
export type * from './server-options.js';
export * from './metrics/server-metrics.js';
export * from './metrics/metrics-registry.js';
export * from './metrics/counter.js';
export * from './metrics/gauge.js';
export * from './metrics/histogram.js';
export type { MetricOptions } from './metrics/metric-family.js';
export { expositionContentType } from './metrics/exposition.js';
