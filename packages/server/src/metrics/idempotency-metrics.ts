import type { GovcService } from '@govc/service';
import type { MetricsRegistry } from './metrics-registry.js';

/**
 * Adds the service's idempotency memory to `registry`, read at each scrape:
 * `govc_idempotency_evicted_early_total`, outcomes forgotten inside their window to stay within
 * the memory's byte budget: a late retry of one runs again. If it grows, raise `idempotency.maxBytes`.
 */
export function registerIdempotencyMetrics(registry: MetricsRegistry, service: Pick<GovcService, 'idempotencyStats'>): void {
  registry.counter({
    name: 'govc_idempotency_evicted_early_total',
    help: 'Idempotency outcomes forgotten inside their window to stay within the memory budget; a retry of one runs again.',
    collect: (counter) => {
      const series = counter.labels();
      // The service's count only grows; should it ever not, the scrape still succeeds.
      series.inc(Math.max(0, service.idempotencyStats().evictedEarly - series.value));
    },
  });
}
