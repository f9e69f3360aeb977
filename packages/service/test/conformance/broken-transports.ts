import { GovcError, type CallOptions, type Transport } from '@govc/core';

/**
 * Deliberately broken transports, each a wrapper around a working one with one defect that a
 * real transport could have, and the conformance cases that must catch it. The kit is only as
 * good as the defects it catches: each variant must fail exactly these cases and pass the rest.
 */
export interface BrokenTransport {
  readonly name: string;
  /** The ids of the cases this defect must fail (and no others). */
  readonly mustFail: readonly string[];
  wrap(inner: Transport): Transport;
}

/** `inner` with some call shapes replaced. */
function replacing(inner: Transport, overrides: Partial<Transport>): Transport {
  return {
    unary: (method, request, options) => inner.unary(method, request, options),
    clientStream: (method, requests, options) => inner.clientStream(method, requests, options),
    serverStream: (method, request, options) => inner.serverStream(method, request, options),
    bidi: (method, requests, options) => inner.bidi(method, requests, options),
    warmup: () => inner.warmup(),
    close: () => inner.close(),
    ...overrides,
  };
}

async function toArray<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/** Settles like `work`, or rejects with `canceled` when `signal` aborts: the caller stops waiting, nothing more. */
function abandonOnAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new GovcError('canceled', 'call canceled by the caller'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Re-throws a stream's errors with their message blanked. */
async function* blankingErrors<T>(stream: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* stream;
  } catch (error) {
    throw new GovcError(GovcError.from(error).code, '');
  }
}

function withoutHeaders(options: CallOptions | undefined): CallOptions {
  return { signal: options?.signal, deadline: options?.deadline };
}

/** Enforces a deadline by a client-side timer only: the server never hears of it, its stream is never closed. */
async function* clientSideDeadline<T>(stream: AsyncIterable<T>, deadline: number | undefined): AsyncGenerator<T> {
  const iterator = stream[Symbol.asyncIterator]();
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      if (deadline !== undefined)
        timer = setTimeout(() => reject(new GovcError('deadline_exceeded', 'deadline exceeded')), deadline - Date.now());
    });
    try {
      const next = await Promise.race([iterator.next(), expired]);
      if (next.done) return;
      yield next.value;
    } finally {
      clearTimeout(timer);
    }
  }
}

export const brokenTransports: readonly BrokenTransport[] = [
  {
    name: 'buffers a whole upload before sending it',
    mustFail: ['streams/upload-flows-as-sent', 'timing/client-stream-deadline', 'timing/client-stream-cancel'],
    wrap: (inner) =>
      replacing(inner, {
        clientStream: async (method, requests, options) => inner.clientStream(method, fromArray(await toArray(requests)), options),
      }),
  },
  {
    name: 'honours a unary cancel on the client only',
    mustFail: ['timing/unary-cancel'],
    wrap: (inner) =>
      replacing(inner, {
        unary: (method, request, options) =>
          abandonOnAbort(inner.unary(method, request, { ...options, signal: undefined }), options?.signal),
      }),
  },
  {
    name: 'ignores the signal and deadline of client streams',
    mustFail: ['timing/client-stream-deadline', 'timing/client-stream-cancel'],
    wrap: (inner) =>
      replacing(inner, {
        clientStream: (method, requests, options) => inner.clientStream(method, requests, { headers: options?.headers }),
      }),
  },
  {
    name: 'enforces a server-stream deadline on the client only',
    // The stream the server never closes also keeps close() from resolving.
    mustFail: ['timing/server-stream-deadline', 'lifecycle/refuses-after-close'],
    wrap: (inner) =>
      replacing(inner, {
        serverStream: (method, request, options) =>
          clientSideDeadline(inner.serverStream(method, request, { ...options, deadline: undefined }), options?.deadline),
      }),
  },
  {
    name: 'runs bidi half-duplex (sends the requests only once they all exist)',
    mustFail: ['streams/bidi-interleaves'],
    wrap: (inner) =>
      replacing(inner, {
        bidi: async function* (method, requests, options) {
          yield* inner.bidi(method, fromArray(await toArray(requests)), options);
        },
      }),
  },
  {
    name: 'blanks the message of stream errors',
    mustFail: [
      'errors/server-stream-not_found',
      'errors/server-stream-permission_denied',
      'errors/server-stream-resource_exhausted',
      'errors/client-stream',
      'errors/bidi-stream',
    ],
    wrap: (inner) =>
      replacing(inner, {
        serverStream: (method, request, options) => blankingErrors(inner.serverStream(method, request, options)),
        clientStream: (method, requests, options) =>
          inner.clientStream(method, requests, options).catch((error: unknown) => {
            throw new GovcError(GovcError.from(error).code, '');
          }),
        bidi: (method, requests, options) => blankingErrors(inner.bidi(method, requests, options)),
      }),
  },
  {
    name: 'drops the request headers of streams',
    mustFail: ['headers/every-call-shape'],
    wrap: (inner) =>
      replacing(inner, {
        serverStream: (method, request, options) => inner.serverStream(method, request, withoutHeaders(options)),
        clientStream: (method, requests, options) => inner.clientStream(method, requests, withoutHeaders(options)),
        bidi: (method, requests, options) => inner.bidi(method, requests, withoutHeaders(options)),
      }),
  },
  {
    name: 'drops idempotency keys',
    mustFail: ['retries/lost-response-exactly-once', 'retries/keyed-non-idempotent', 'retries/key-replay'],
    wrap: (inner) =>
      replacing(inner, {
        unary: (method, request, options) => {
          const { 'idempotency-key': _dropped, ...headers } = options?.headers ?? {};
          return inner.unary(method, request, { ...options, headers });
        },
      }),
  },
];
