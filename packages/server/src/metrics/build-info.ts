import { readFileSync } from 'node:fs';
import type { MetricsRegistry } from './metrics-registry.js';

/**
 * Adds `govc_build_info{version,node} 1`: which govc server and which Node.js answer, so that a
 * dashboard can join it onto any other series (`* on(instance) group_left(version)`).
 */
export function registerBuildInfo(registry: MetricsRegistry): void {
  registry
    .gauge({
      name: 'govc_build_info',
      help: 'The govc server version and the Node.js version it runs on; always 1.',
      labelNames: ['version', 'node'],
    })
    .labels(serverVersion(), process.version)
    .set(1);
}

/**
 * `@govc/server`'s version from its package.json, two levels up from both `src/metrics/` and
 * `dist/metrics/`, and shipped with both. Read rather than imported: a JSON import would sit
 * outside the build's `rootDir`.
 */
function serverVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}
