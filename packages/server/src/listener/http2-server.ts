import {
  constants,
  createServer,
  type Http2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { ResolvedServerOptions } from '../server-options.js';

/** What the HTTP/2 side hands on. */
export interface Http2Handlers {
  stream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void;
  session(session: ServerHttp2Session): void;
}

/**
 * An HTTP/2 server that never listens (the listener hands it sockets), announcing the configured
 * stream limit and receive windows, serving raw streams (not the slower compatibility API), and
 * closing sessions that stay without a stream for `idleMs` with GOAWAY.
 */
export function createHttp2Server(options: ResolvedServerOptions, handlers: Http2Handlers): Http2Server {
  const { http2, timeouts } = options;
  const idleHit = options.metrics.limitHits.labels('idle_timeout');
  const server = createServer({
    settings: {
      maxConcurrentStreams: http2.maxConcurrentStreams,
      initialWindowSize: http2.initialWindowSize,
      maxHeaderListSize: options.limits.maxHeaderBytes,
    },
  });
  server.on('session', function onSession(session: ServerHttp2Session) {
    session.on('error', ignore); // the session is destroyed anyway; its streams see the error
    session.once('connect', function raiseConnectionWindow() {
      if (!session.destroyed) session.setLocalWindowSize(http2.connectionWindowSize);
    });
    if (timeouts.idleMs > 0) closeWhenIdle(session, timeouts.idleMs, () => idleHit.inc());
    handlers.session(session);
  });
  if (timeouts.requestMs > 0) {
    const requestTimeoutHit = options.metrics.limitHits.labels('request_timeout');
    server.on('stream', function limitRequestTime(stream: ServerHttp2Stream) {
      cancelIfRequestUnfinished(stream, timeouts.requestMs, () => requestTimeoutHit.inc());
    });
  }
  server.on('stream', handlers.stream);
  return server;
}

/**
 * As `requestTimeout` does for HTTP/1.1: a client that has not finished sending its request
 * `requestMs` after the stream opened (a stalled upload) gets RST_STREAM CANCEL, which ends the
 * call with `canceled` on our side. Responses that take long (a watch) are not limited.
 */
function cancelIfRequestUnfinished(stream: ServerHttp2Stream, requestMs: number, onCancel: () => void): void {
  const timer = setTimeout(function requestTimedOut() {
    if (stream.destroyed || stream.closed || stream.state.remoteClose !== 0) return;
    onCancel();
    stream.close(constants.NGHTTP2_CANCEL);
  }, requestMs);
  timer.unref();
  stream.once('close', function clearRequestTimer() {
    clearTimeout(timer);
  });
}

/**
 * Closes `session` with GOAWAY once it has had no open stream for `idleMs`. Not Node's session
 * timeout, which counts any silence, so it would cut a quiet long-lived stream (WatchRefs).
 */
function closeWhenIdle(session: ServerHttp2Session, idleMs: number, onClose: () => void): void {
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  function arm(): void {
    timer = setTimeout(function closeIdleSession() {
      if (session.closed || session.destroyed) return;
      onClose();
      session.close();
    }, idleMs);
    timer.unref();
  }
  session.on('stream', function onStreamOpened(stream: ServerHttp2Stream) {
    open++;
    clearTimeout(timer);
    stream.once('close', function onStreamClosed() {
      if (--open === 0 && !session.closed && !session.destroyed) arm();
    });
  });
  session.once('close', function onSessionClosed() {
    clearTimeout(timer);
  });
  arm();
}

function ignore(): void {}
