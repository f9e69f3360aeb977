import { GovcError } from '../errors/govc-error.js';
import { compose, type Call, type Middleware, type Next, type Reply } from '../middleware/middleware.js';
import { govcMethods, type AnyMethod, type GovcMethodName, type GovcMethods, type InputOf, type OutputOf } from '../schema/methods.js';
import type { CallOptions, Transport } from '../transport.js';

/** The client-side signature of one method, by call shape. */
export type ClientMethod<M> = M extends { kind: 'unary' }
  ? (request: InputOf<M>, options?: CallOptions) => Promise<OutputOf<M>>
  : M extends { kind: 'client_stream' }
    ? (requests: AsyncIterable<InputOf<M>>, options?: CallOptions) => Promise<OutputOf<M>>
    : M extends { kind: 'server_stream' }
      ? (request: InputOf<M>, options?: CallOptions) => AsyncIterable<OutputOf<M>>
      : (requests: AsyncIterable<InputOf<M>>, options?: CallOptions) => AsyncIterable<OutputOf<M>>;

/** One typed method per method of `govc.v1.GoVCService`, named in camelCase: `client.storeBlob(…)`. */
export type GovcClient = { readonly [K in GovcMethodName as Uncapitalize<K>]: ClientMethod<GovcMethods[K]> };

export interface ClientOptions {
  /** Middleware around every call, outermost first (see `compose`). Default: none. */
  readonly middleware?: readonly Middleware[];
}

/** The end of every chain: hands the call to the transport. */
export function transportNext(transport: Transport): Next {
  return function callTransport(call: Call): Promise<Reply> {
    const { method } = call;
    switch (method.kind) {
      case 'unary':
        return transport.unary(method, call.request, call).then((response) => ({ stream: false, response }));
      case 'client_stream':
        return transport
          .clientStream(method, call.request as AsyncIterable<unknown>, call)
          .then((response) => ({ stream: true, response }));
      case 'server_stream':
        return Promise.resolve({ stream: true, response: transport.serverStream(method, call.request, call) });
      case 'bidi':
        return Promise.resolve({ stream: true, response: transport.bidi(method, call.request as AsyncIterable<unknown>, call) });
    }
  };
}

/** Turns a stream reply's promise into the async iterable the caller reads, with errors as `GovcError`. */
async function* streamOf(reply: Promise<Reply>): AsyncGenerator<unknown> {
  let responses: AsyncIterable<unknown>;
  try {
    responses = (await reply).response as AsyncIterable<unknown>;
  } catch (error) {
    throw GovcError.from(error);
  }
  try {
    yield* responses;
  } catch (error) {
    throw GovcError.from(error);
  }
}

/** Builds the typed method for one descriptor over a composed chain. */
export function clientMethod(method: AnyMethod, next: Next): (request: unknown, options?: CallOptions) => unknown {
  const stream = method.kind !== 'unary';
  const call = (request: unknown, options: CallOptions | undefined): Promise<Reply> =>
    next({
      stream,
      method,
      request,
      signal: options?.signal,
      deadline: options?.deadline,
      headers: options?.headers,
    } as Call);
  switch (method.kind) {
    case 'unary':
    case 'client_stream':
      return function callUnary(request, options) {
        return call(request, options).then(
          (reply) => reply.response,
          (error: unknown) => Promise.reject(GovcError.from(error)),
        );
      };
    case 'server_stream':
    case 'bidi':
      return function callStream(request, options) {
        return streamOf(call(request, options));
      };
  }
}

/**
 * Creates the typed govc client over a transport, with optional middleware. Every error a method
 * rejects with (or a stream throws) is a `GovcError`.
 */
export function createClient(transport: Transport, options: ClientOptions = {}): GovcClient {
  const next = compose(options.middleware ?? [])(transportNext(transport));
  const client: Record<string, unknown> = {};
  for (const method of Object.values(govcMethods)) client[method.localName] = clientMethod(method, next);
  return client as GovcClient;
}
