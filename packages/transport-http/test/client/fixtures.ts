import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createHttp2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
  type Settings,
} from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { GovcError } from '@govc/core';
import { encodeEndStream, EnvelopeReader, encodeEnvelope, envelopeFlags, type Envelope } from '@govc/core/protocol';

/** A bare test server on 127.0.0.1, port 0, closed by `await using`. */
export interface TestServer extends AsyncDisposable {
  readonly url: string;
  /** TCP connections accepted so far. */
  readonly connections: number;
}

/** A bare HTTP/2 test server, with the sessions it accepted. */
export interface TestHttp2Server extends TestServer {
  readonly sessions: readonly ServerHttp2Session[];
}

/** One request as a bare server sees it, whatever the HTTP version. */
export interface TestExchange {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Readable;
  respond(status: number, headers?: Record<string, string>): void;
  /** Writes a chunk; resolves once the transport took it (drain). */
  write(chunk: Uint8Array): Promise<void>;
  end(chunk?: Uint8Array): void;
  /** Resolves when the client reset or dropped the request; with the RST code on HTTP/2. */
  readonly aborted: Promise<number | undefined>;
}

export type TestHandler = (exchange: TestExchange) => void | Promise<void>;

/** Runs a handler; it may fail when the client resets the request under it, which the tests look at from the client's side. */
function run(handler: TestHandler, exchange: TestExchange): void {
  Promise.resolve()
    .then(() => handler(exchange))
    .catch(() => undefined);
}

function waitDrain(emitter: {
  once(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
}): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      emitter.off('drain', done);
      emitter.off('close', done);
      resolve();
    };
    emitter.once('drain', done);
    emitter.once('close', done);
  });
}

function fromHttp1(request: IncomingMessage, response: ServerResponse): TestExchange {
  return {
    path: request.url ?? '/',
    headers: request.headers,
    body: request,
    respond(status, headers = {}) {
      response.writeHead(status, headers);
    },
    write(chunk) {
      if (response.destroyed) return Promise.resolve();
      return response.write(chunk) ? Promise.resolve() : waitDrain(response);
    },
    end(chunk) {
      response.end(chunk);
    },
    aborted: new Promise((resolve) => {
      response.once('close', () => {
        if (!response.writableFinished) resolve(undefined);
      });
    }),
  };
}

function fromHttp2(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): TestExchange {
  return {
    path: String(headers[':path']),
    headers,
    body: stream,
    respond(status, responseHeaders = {}) {
      stream.respond({ ':status': status, ...responseHeaders });
    },
    write(chunk) {
      if (stream.destroyed) return Promise.resolve();
      return stream.write(chunk) ? Promise.resolve() : waitDrain(stream);
    },
    end(chunk) {
      if (!stream.destroyed) stream.end(chunk);
    },
    aborted: new Promise((resolve) => {
      // Node ends the writable side itself when a RST arrives, so `aborted` is the signal, not writableFinished.
      stream.once('aborted', () => resolve(stream.rstCode));
      stream.once('close', () => {
        if (stream.rstCode !== undefined && stream.rstCode !== 0) resolve(stream.rstCode);
      });
    }),
  };
}

function track(sockets: Set<Socket>, socket: Socket): void {
  sockets.add(socket);
  socket.once('close', () => sockets.delete(socket));
}

/** Starts a bare HTTP/1.1 server that hands every request to `handler`. */
export async function startHttp1Server(handler: TestHandler): Promise<TestServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createHttp1Server((request, response) => run(handler, fromHttp1(request, response)));
  server.on('connection', (socket: Socket) => {
    connections++;
    track(sockets, socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get connections() {
      return connections;
    },
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Starts a bare cleartext HTTP/2 server (raw stream API) that hands every stream to `handler`. */
export async function startHttp2Server(handler: TestHandler, settings: Settings = {}): Promise<TestHttp2Server> {
  const sockets = new Set<Socket>();
  const sessions: ServerHttp2Session[] = [];
  let connections = 0;
  const server = createHttp2Server({ settings });
  server.on('session', (session: ServerHttp2Session) => {
    sessions.push(session);
    session.on('error', () => undefined);
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    run(handler, fromHttp2(stream, headers));
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    track(sockets, socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sessions,
    get connections() {
      return connections;
    },
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Starts a bare server of `httpVersion`. */
export function startServer(httpVersion: '1.1' | '2', handler: TestHandler, settings?: Settings): Promise<TestServer | TestHttp2Server> {
  return httpVersion === '2' ? startHttp2Server(handler, settings) : startHttp1Server(handler);
}

/** Reads a whole request body. */
export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Yields a request body's envelopes as they arrive. */
export async function* readEnvelopes(body: Readable): AsyncGenerator<Envelope> {
  const reader = new EnvelopeReader(64 * 1024 * 1024);
  for await (const chunk of body as AsyncIterable<Buffer>) yield* reader.push(chunk);
  reader.end();
}

/** A message envelope. */
export function messageFrame(payload: Uint8Array, flags = 0): Uint8Array {
  return encodeEnvelope(flags, payload);
}

/** An end-of-stream envelope, with `error` or for success. */
export function endFrame(error?: GovcError): Uint8Array {
  return encodeEnvelope(envelopeFlags.endStream, encodeEndStream(error));
}

/** Waits until `condition` holds, polling for at most `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The `GovcError` a call fails with; anything else, or success, fails the test. */
export async function failure(work: Promise<unknown> | (() => Promise<unknown>)): Promise<GovcError> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    if (error instanceof GovcError) return error;
    throw new Error(`expected a GovcError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the call to fail');
}
