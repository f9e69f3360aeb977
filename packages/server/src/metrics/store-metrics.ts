import type { Storage } from '@govc/service';
import type { MetricsRegistry } from './metrics-registry.js';

/**
 * Adds the store's size to `registry`, read at each scrape: `govc_store_repositories`, and where
 * the store knows them (the memory store) `govc_store_bytes` and `govc_store_limit_bytes`.
 */
export function registerStoreMetrics(registry: MetricsRegistry, store: Storage): void {
  registry.gauge({
    name: 'govc_store_repositories',
    help: 'Repositories in the store.',
    collect: (gauge) => gauge.labels().set(store.usage().repositories),
  });
  registry.gauge({
    name: 'govc_store_bytes',
    help: 'Bytes of content the store holds (stores that count them: memory).',
    collect: (gauge) => {
      const { bytes } = store.usage();
      if (bytes !== undefined) gauge.labels().set(bytes);
    },
  });
  registry.gauge({
    name: 'govc_store_limit_bytes',
    help: 'The most bytes the store may hold (stores with a bound: memory).',
    collect: (gauge) => {
      const { limitBytes } = store.usage();
      if (limitBytes !== undefined) gauge.labels().set(limitBytes);
    },
  });
}
