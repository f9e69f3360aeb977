import { GovcError, govcMethods, type AnyHandler, type ErrorCode, type ServiceHandler } from '@govc/core';
import { errorFromHandler, handlerMethod, optionValue, type CallScope } from '@govc/core/protocol';
import type { HttpBinding } from '@govc/core/node';
import { blobRoutePattern, methodPathPrefix } from '../protocol/wire.js';
import type { HttpBindingOptions, ResolvedHttpBindingOptions } from './binding-options.js';
import type { Exchange } from './exchange.js';
import { http1Exchange } from './exchange-http1.js';
import { http2Exchange } from './exchange-http2.js';
import { respondError } from './respond-error.js';
import { serveBlobDownload, serveBlobUpload } from './serve-blob-routes.js';
import { describeBinding, descriptionPath, serveDescription } from './serve-description.js';
import { serveStream } from './serve-stream.js';
import { serveUnary } from './serve-unary.js';

const healthPath = `${methodPathPrefix}${govcMethods.Health.name}`;

function resolveOptions(options: HttpBindingOptions): ResolvedHttpBindingOptions {
  const methods = options.methods ?? Object.values(govcMethods);
  return {
    methods: new Map(methods.map((method) => [method.name, method])),
    observer: options.observer,
    // Envelope lengths are u32: a larger limit could never be reached.
    maxMessageBytes: optionValue('maxMessageBytes', options.maxMessageBytes, 16 * 1024 * 1024, { min: 1, max: 2 ** 32 - 1, integer: true }),
    maxInflatedBytes: optionValue('maxInflatedBytes', options.maxInflatedBytes, 64 * 1024 * 1024, { min: 1, integer: true }),
    compressionThreshold: optionValue('compressionThreshold', options.compressionThreshold, 1024, { min: 0, integer: true }),
    privateCache: options.privateCache ?? false,
  };
}

/**
 * The server side of the plain HTTP binding (see the package README for the wire): every method
 * at `POST /v1/<Method>` and the raw blob routes, over HTTP/1.1 and HTTP/2 alike.
 */
export function createHttpBinding(handler: ServiceHandler | AnyHandler, options: HttpBindingOptions = {}): HttpBinding {
  const resolved = resolveOptions(options);
  const methods = handler as AnyHandler;
  /** Streaming calls in progress, ended with `unavailable` when the server shuts down. */
  const openStreams = new Set<CallScope>();

  /** The handler's function for `name`, typed as the serving function expects it. */
  function lookup<F>(name: string): F {
    return handlerMethod(methods, name) as unknown as F;
  }

  let description: Uint8Array | undefined;

  /** Routes one exchange, naming the route in `served` (for the observer) as soon as it is known. */
  async function route(exchange: Exchange, served: { name: string }): Promise<void> {
    if (exchange.path === descriptionPath) {
      served.name = 'describe';
      if (exchange.method !== 'GET' && exchange.method !== 'HEAD') throw methodNotAllowed('GET, HEAD');
      serveDescription(exchange, (description ??= describeBinding(resolved.methods.values())));
      return;
    }
    const blob = blobRoutePattern.exec(exchange.path);
    if (blob) {
      const repo = decodePathSegment(blob[1]!);
      if (blob[2] === undefined) {
        served.name = 'blob.upload';
        if (exchange.method !== 'POST') throw methodNotAllowed('POST');
        await serveBlobUpload(exchange, repo, lookup('UploadBlob'));
        return;
      }
      served.name = exchange.method === 'HEAD' ? 'blob.head' : 'blob.get';
      if (exchange.method !== 'GET' && exchange.method !== 'HEAD') throw methodNotAllowed('GET, HEAD');
      await serveBlobDownload(exchange, repo, decodePathSegment(blob[2]), lookup('DownloadBlob'), resolved.privateCache);
      return;
    }
    const name = exchange.path.slice(methodPathPrefix.length);
    const method = resolved.methods.get(name);
    if (!method) throw new GovcError('unimplemented', `no method ${JSON.stringify(name.slice(0, 100))}`);
    served.name = method.name;
    if (exchange.method !== 'POST') throw methodNotAllowed('POST');
    if (method.kind === 'unary') await serveUnary(exchange, method, lookup(method.name), resolved);
    else await serveStream(exchange, method, lookup(method.name), resolved, openStreams);
  }

  async function serve(exchange: Exchange): Promise<void> {
    const started = performance.now();
    // Unknown method names stay `unknown`, so that a client cannot grow the metrics' label set.
    const served = { name: 'unknown' };
    let code: ErrorCode | 'ok' = 'ok';
    let limit: string | undefined;
    try {
      await route(exchange, served);
    } catch (thrown) {
      const error = errorFromHandler(thrown);
      code = error.code;
      limit = error.limit;
      if (!exchange.responded) {
        if (error instanceof MethodNotAllowed) respondError(exchange, error, { allow: error.allow }, 405);
        else respondError(exchange, error);
      } else exchange.end();
    }
    resolved.observer?.({
      protocol: 'http',
      method: served.name,
      code,
      durationMs: performance.now() - started,
      bytesIn: exchange.bytesIn,
      bytesOut: exchange.bytesOut,
      limit,
      httpVersion: exchange.version === 'h2' ? '2' : '1.1',
      remoteAddress: exchange.remoteAddress,
      repo: exchange.facts.repo,
      caller: exchange.facts.caller,
    });
  }

  return {
    name: 'http',
    handles(path) {
      return path === descriptionPath || (path.startsWith(methodPathPrefix) && !path.startsWith('/v1/ws'));
    },
    isPublic(path) {
      // The method list and Health reveal nothing of what the repositories hold.
      return path === healthPath || path === descriptionPath;
    },
    serveHttp1(request, response) {
      void serve(http1Exchange(request, response));
    },
    serveHttp2(stream, headers) {
      void serve(http2Exchange(stream, headers));
    },
    close() {
      const shuttingDown = new GovcError('unavailable', 'the server is shutting down');
      for (const scope of openStreams) scope.end(shuttingDown);
    },
  };
}

/** `unimplemented` with the methods the route does allow, answered as 405. */
class MethodNotAllowed extends GovcError {
  readonly allow: string;
  constructor(allow: string) {
    super('unimplemented', `use ${allow}`);
    this.allow = allow;
  }
}

/** Percent-decodes one path segment; malformed escapes are `invalid_argument`. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new GovcError('invalid_argument', 'malformed percent-encoding in the path');
  }
}

function methodNotAllowed(allow: string): MethodNotAllowed {
  return new MethodNotAllowed(allow);
}
