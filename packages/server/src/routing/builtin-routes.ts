import { expositionContentType } from '../metrics/exposition.js';
import type { MetricsRegistry } from '../metrics/metrics-registry.js';
import { errorReply, type PlainReply } from './plain-reply.js';

/** The routes the server answers itself, before any binding. */
export type BuiltinRoute = 'healthz' | 'readyz' | 'metrics';

/** The built-in route at `path`, if any. */
export function builtinRouteOf(path: string): BuiltinRoute | undefined {
  if (path === '/healthz') return 'healthz';
  if (path === '/readyz') return 'readyz';
  if (path === '/metrics') return 'metrics';
  return undefined;
}

/**
 * The reply of a built-in route: `GET`/`HEAD` only, anything else is `405` with `allow`.
 * `/healthz` says the process serves; `/readyz` says it takes new work (`503` once closing).
 */
export function builtinReply(route: BuiltinRoute, method: string, registry: MetricsRegistry, ready: boolean): PlainReply {
  if (method !== 'GET' && method !== 'HEAD') {
    return errorReply(405, 'unimplemented', `/${route} takes GET or HEAD, not ${method}`, { allow: 'GET, HEAD' });
  }
  if (route === 'metrics') return { status: 200, contentType: expositionContentType, body: registry.render() };
  if (route === 'readyz' && !ready) return { status: 503, contentType: 'text/plain; charset=utf-8', body: 'closing' };
  return { status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok' };
}

/** The `404` for a path no route serves, in the bindings' error format. */
export function notFoundReply(method: string, path: string): PlainReply {
  const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
  return errorReply(404, 'unimplemented', `no route for ${method} ${shown}`);
}
