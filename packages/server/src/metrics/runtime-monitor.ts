import {
  constants,
  monitorEventLoopDelay,
  PerformanceObserver,
  type IntervalHistogram,
  type NodeGCPerformanceDetail,
  type PerformanceObserverEntryList,
} from 'node:perf_hooks';
import type { GaugeSeries } from './gauge.js';
import type { HistogramSeries } from './histogram.js';
import type { MetricsRegistry } from './metrics-registry.js';

/**
 * The two runtime measurements that cannot be read at scrape time: the event-loop delay monitor
 * and the GC observer. Neither holds the process open, but each costs something while it runs
 * (a timer every 10 ms, a callback per GC), so they run only while someone asks for them.
 */
export interface RuntimeMonitor {
  /**
   * Starts both monitors unless they run already, and returns the function that gives this start
   * back (idempotent): they stop when every start has been given back. A server starts them
   * while it listens, so servers sharing one `ServerMetrics` keep them running until the last closes.
   */
  start(): () => void;
  /** Whether the monitors run now. */
  readonly running: boolean;
}

// prom-client's default precision: fine enough to see a 20 ms stall, and 100 wakeups a second.
const resolutionMs = 10;

// prom-client's buckets: a minor GC takes about a millisecond, a major one up to seconds.
const gcBuckets: readonly number[] = [0.001, 0.01, 0.1, 1, 2, 5];

const gcKinds: ReadonlyMap<number, string> = new Map([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

/**
 * Adds `nodejs_eventloop_lag_seconds` (the mean delay since the previous scrape) with its
 * `_p50`, `_p99` and `_max` companions, and `nodejs_gc_duration_seconds{kind}`, a histogram with
 * every kind present from the first scrape. Returns the monitor that feeds them; until it is
 * started they read 0.
 */
export function registerRuntimeMonitor(registry: MetricsRegistry): RuntimeMonitor {
  const lagGauge = (name: string, what: string): GaugeSeries =>
    registry
      .gauge({
        name,
        help: `${what} event-loop delay since the previous scrape, beyond the ${resolutionMs} ms sampling interval, in seconds.`,
      })
      .labels();
  const lag = {
    mean: lagGauge('nodejs_eventloop_lag_seconds', 'Mean'),
    p50: lagGauge('nodejs_eventloop_lag_p50_seconds', 'Median'),
    p99: lagGauge('nodejs_eventloop_lag_p99_seconds', '99th percentile'),
    max: lagGauge('nodejs_eventloop_lag_max_seconds', 'Largest'),
  };
  const gc = registry.histogram({
    name: 'nodejs_gc_duration_seconds',
    help: 'Garbage collection duration by kind, in seconds.',
    labelNames: ['kind'],
    buckets: gcBuckets,
  });
  const gcByKind = new Map<number, HistogramSeries>([...gcKinds].map(([kind, name]) => [kind, gc.labels(name)]));

  let delay: IntervalHistogram | undefined;
  let observer: PerformanceObserver | undefined;
  let starts = 0;

  function recordGc(list: PerformanceObserverEntryList): void {
    for (const entry of list.getEntries()) {
      // A 'gc' entry carries its kind in `detail` (typed only on marks and measures).
      const { detail } = entry as { detail?: Partial<NodeGCPerformanceDetail> };
      const series = detail?.kind === undefined ? undefined : gcByKind.get(detail.kind);
      series?.observe(entry.duration / 1000);
    }
  }

  registry.onScrape(function readEventLoopDelay() {
    // No sample since the last scrape (stopped, or scraped again within 10 ms): keep what was shown.
    if (!delay || delay.count === 0) return;
    // The histogram records each whole interval between wakeups, the 10 ms it slept included.
    const beyond = (ns: number): number => Math.max(0, ns / 1e9 - resolutionMs / 1000);
    lag.mean.set(beyond(delay.mean));
    lag.p50.set(beyond(delay.percentile(50)));
    lag.p99.set(beyond(delay.percentile(99)));
    lag.max.set(beyond(delay.max));
    // Each scrape shows its own window. The reset drops the 10 ms interval under way, so a stall
    // in the very turn of the loop that scraped goes unseen: one interval per scrape.
    delay.reset();
  });

  return {
    get running() {
      return starts > 0;
    },
    start() {
      if (starts++ === 0) {
        delay ??= monitorEventLoopDelay({ resolution: resolutionMs });
        delay.enable();
        observer = new PerformanceObserver(recordGc);
        observer.observe({ entryTypes: ['gc'] });
      }
      let given = false;
      return function stopRuntimeMonitor() {
        if (given) return;
        given = true;
        if (--starts > 0) return;
        delay?.disable();
        observer?.disconnect();
        observer = undefined;
      };
    },
  };
}
