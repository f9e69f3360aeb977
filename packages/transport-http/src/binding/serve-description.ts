import { describeService, type AnyMethod, type MethodDescription } from '@govc/core';
import { codecs, methodPathPrefix, streamContentType } from '../protocol/wire.js';
import type { Exchange } from './exchange.js';

/** Where the binding describes itself: `GET /v1`. */
export const descriptionPath = methodPathPrefix.slice(0, -1);

/** A served method as `GET /v1` lists it: its description (when it is one of the service's) and its path. */
type ServedMethod = Partial<MethodDescription> & Pick<MethodDescription, 'name' | 'kind' | 'input' | 'output'> & { readonly path: string };

/**
 * The JSON answer to `GET /v1`: the service's description limited to the methods this binding
 * serves (and any extra ones it serves, such as the conformance kit's), each with its path, and
 * the content types the binding takes.
 */
export function describeBinding(methods: Iterable<AnyMethod>): Uint8Array {
  const service = describeService();
  const described = new Map(service.methods.map((method) => [method.name as string, method]));
  const served: ServedMethod[] = [];
  for (const method of methods) {
    const description = described.get(method.name) ?? {
      name: method.name,
      kind: method.kind,
      input: method.input.typeName,
      output: method.output.typeName,
    };
    served.push({ ...description, path: `${methodPathPrefix}${method.name}` } as ServedMethod);
  }
  const body = {
    service: service.service,
    binding: 'http',
    contentTypes: {
      unary: codecs.map((codec) => codec.contentType),
      stream: codecs.map((codec) => streamContentType(codec)),
    },
    methods: served,
    messages: service.messages,
    callErrors: service.callErrors,
  };
  return new TextEncoder().encode(JSON.stringify(body));
}

/** Answers `GET /v1` (and `HEAD`) with `body`, the binding's description. */
export function serveDescription(exchange: Exchange, body: Uint8Array): void {
  exchange.respond(200, { 'content-type': 'application/json', 'content-length': body.byteLength, 'cache-control': 'no-cache' });
  exchange.end(exchange.method === 'HEAD' ? undefined : body);
}
