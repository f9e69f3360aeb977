import type { CallObserver, ServedCall } from '@govc/core/node';
import type { Counter, CounterSeries } from './counter.js';
import type { Gauge } from './gauge.js';
import { registerBuildInfo } from './build-info.js';
import { latencyBuckets, type Histogram, type HistogramSeries } from './histogram.js';
import { limitNames } from './limit-names.js';
import { MetricsRegistry } from './metrics-registry.js';
import { registerProcessMetrics } from './process-metrics.js';
import { registerRuntimeMonitor, type RuntimeMonitor } from './runtime-monitor.js';

/**
 * The server's metrics: what the listener counts (connections by HTTP version, requests in
 * flight), what bindings report through `observer` (calls per protocol and method), the build,
 * and the process and Node.js runtime series of prom-client's default collectors.
 */
export interface ServerMetrics {
  /** Everything `/metrics` shows; add more metrics to it freely. */
  readonly registry: MetricsRegistry;
  /** Hand this to each binding (`createHttpBinding(handler, { observer })`) to count its calls. */
  readonly observer: CallObserver;
  /** `govc_connections_open{http,tls}`; `http` is `1.1`, `2`, or `pending` before it is known. */
  readonly connectionsOpen: Gauge;
  /** `govc_connections_total{http,tls}`; `http` is `none` for a connection closed before it was known. */
  readonly connectionsTotal: Counter;
  /** `govc_http_requests_in_flight{http}`: requests and streams being served right now. */
  readonly requestsInFlight: Gauge;
  /** `govc_http_requests_total{http,route}`: requests by HTTP version and what served them (a binding's name, `healthz`, `metrics`, `not_found`, `wrong_version`, `refused`). */
  readonly httpRequests: Counter;
  /** `govc_limit_hits_total{limit}`: a client hit a limit; every one of `limitNames` is there from the start, at 0. */
  readonly limitHits: Counter;
  /** `govc_auth_failures_total{code}`: calls refused `unauthenticated` or `permission_denied`. */
  readonly authFailures: Counter;
  /** Feeds `nodejs_eventloop_lag_*` and `nodejs_gc_duration_seconds`; a server starts it while it listens. */
  readonly runtime: RuntimeMonitor;
}

/** The per-call series of one (protocol, method), looked up once per pair. */
interface CallSeries {
  readonly requests: CounterSeries;
  readonly duration: HistogramSeries;
  readonly bytesIn: CounterSeries;
  readonly bytesOut: CounterSeries;
}

// As many (protocol, method) pairs as the metric families keep series for.
const maxCachedCalls = 1000;

/** Creates the server's metrics in `registry` (default: a new one). */
export function createServerMetrics(registry: MetricsRegistry = new MetricsRegistry()): ServerMetrics {
  registerBuildInfo(registry);
  const callLabels = ['protocol', 'method'];
  const requests = registry.counter({
    name: 'govc_requests_total',
    help: 'Calls served, by wire protocol and method.',
    labelNames: callLabels,
  });
  const errors = registry.counter({
    name: 'govc_request_errors_total',
    help: 'Calls that ended in an error, by wire protocol, method and error code.',
    labelNames: [...callLabels, 'code'],
  });
  const duration: Histogram = registry.histogram({
    name: 'govc_request_duration_seconds',
    help: 'Call latency from request to the end of the response, by wire protocol and method.',
    labelNames: callLabels,
    buckets: latencyBuckets,
  });
  const bytesIn = registry.counter({
    name: 'govc_request_bytes_total',
    help: 'Request body bytes received (as sent on the wire), by wire protocol and method.',
    labelNames: callLabels,
  });
  const bytesOut = registry.counter({
    name: 'govc_response_bytes_total',
    help: 'Response body bytes sent (as sent on the wire), by wire protocol and method.',
    labelNames: callLabels,
  });
  const connectionLabels = ['http', 'tls'];
  const metrics = {
    registry,
    connectionsOpen: registry.gauge({
      name: 'govc_connections_open',
      help: 'Open client connections, by HTTP version and TLS.',
      labelNames: connectionLabels,
    }),
    connectionsTotal: registry.counter({
      name: 'govc_connections_total',
      help: 'Accepted client connections, by HTTP version and TLS.',
      labelNames: connectionLabels,
    }),
    requestsInFlight: registry.gauge({
      name: 'govc_http_requests_in_flight',
      help: 'HTTP requests and HTTP/2 streams being served, by HTTP version.',
      labelNames: ['http'],
    }),
    httpRequests: registry.counter({
      name: 'govc_http_requests_total',
      help: 'HTTP requests and HTTP/2 streams, by HTTP version and route (binding name, healthz, metrics, not_found, wrong_version, refused).',
      labelNames: ['http', 'route'],
    }),
    limitHits: registry.counter({ name: 'govc_limit_hits_total', help: 'Times a client hit a limit, by limit.', labelNames: ['limit'] }),
    authFailures: registry.counter({
      name: 'govc_auth_failures_total',
      help: 'Calls refused by auth, by code (unauthenticated, permission_denied).',
      labelNames: ['code'],
    }),
  };
  for (const limit of limitNames) metrics.limitHits.labels(limit);
  registerProcessMetrics(registry);
  const runtime = registerRuntimeMonitor(registry);

  const byCall = new Map<string, CallSeries>();
  function callSeries(protocol: string, method: string): CallSeries {
    const key = `${protocol} ${method}`;
    let series = byCall.get(key);
    if (!series) {
      series = {
        requests: requests.labels(protocol, method),
        duration: duration.labels(protocol, method),
        bytesIn: bytesIn.labels(protocol, method),
        bytesOut: bytesOut.labels(protocol, method),
      };
      // The families fold label combinations past their cap into `other`; the cache stops too.
      if (byCall.size < maxCachedCalls) byCall.set(key, series);
    }
    return series;
  }

  return {
    ...metrics,
    runtime,
    // Never throws into the binding that reports: odd numbers (negative, NaN) are skipped.
    observer: function observeCall(call: ServedCall): void {
      const series = callSeries(call.protocol, call.method);
      series.requests.inc();
      if (call.durationMs >= 0) series.duration.observe(call.durationMs / 1000);
      if (call.bytesIn > 0) series.bytesIn.inc(call.bytesIn);
      if (call.bytesOut > 0) series.bytesOut.inc(call.bytesOut);
      if (call.code !== 'ok') errors.labels(call.protocol, call.method, call.code).inc();
      if (call.limit !== undefined) metrics.limitHits.labels(call.limit).inc();
      if (call.code === 'unauthenticated' || call.code === 'permission_denied') metrics.authFailures.labels(call.code).inc();
    },
  };
}
