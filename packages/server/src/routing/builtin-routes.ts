import { expositionContentType } from '../metrics/exposition.js';
import type { MetricsRegistry } from '../metrics/metrics-registry.js';
import { errorReply, type PlainReply } from './plain-reply.js';

/** The routes the server answers itself, before any binding. */
export type BuiltinRoute = 'healthz' | 'metrics';

/** The built-in route at `path`, if any. */
export function builtinRouteOf(path: string): BuiltinRoute | undefined {
  if (path === '/healthz') return 'healthz';
  if (path === '/metrics') return 'metrics';
  return undefined;
}

/** The reply of a built-in route: `GET`/`HEAD` only, anything else is `405` with `allow`. */
export function builtinReply(route: BuiltinRoute, method: string, registry: MetricsRegistry): PlainReply {
  if (method !== 'GET' && method !== 'HEAD') {
    return errorReply(405, 'unimplemented', `/${route} takes GET or HEAD, not ${method}`, { allow: 'GET, HEAD' });
  }
  if (route === 'metrics') return { status: 200, contentType: expositionContentType, body: registry.render() };
  return { status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok' };
}

/** The `404` for a path no route serves, in the bindings' error format. */
export function notFoundReply(method: string, path: string): PlainReply {
  const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
  return errorReply(404, 'unimplemented', `no route for ${method} ${shown}`);
}
