import type { IncomingHttpHeaders } from 'node:http';
import type { HttpBinding } from '@govc/core/node';

/** How a request reaches a binding. */
export type ServeKind = 'serveHttp1' | 'serveHttp2' | 'serveUpgrade';

/** The outcome of looking for a binding. */
export type Selection =
  | { readonly binding: HttpBinding; readonly declinedBy?: undefined }
  | { readonly binding?: undefined; readonly declinedBy: HttpBinding | undefined };

/**
 * The first binding that handles `path` with these headers and can serve it as `kind`. A binding
 * that handles the request but lacks `kind` (a gRPC binding asked for HTTP/1.1) is passed over,
 * so a later one may serve it; if none does, the first such binding is reported as `declinedBy`.
 */
export function selectBinding(bindings: readonly HttpBinding[], kind: ServeKind, path: string, headers: IncomingHttpHeaders): Selection {
  let declinedBy: HttpBinding | undefined;
  for (const binding of bindings) {
    if (!binding.handles(path, headers)) continue;
    if (binding[kind]) return { binding };
    declinedBy ??= binding;
  }
  return { declinedBy };
}

/** The path of a request target: everything before `?`. */
export function pathOf(target: string): string {
  const query = target.indexOf('?');
  return query < 0 ? target : target.slice(0, query);
}
