import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { errorReply, sendHttp1 } from './plain-reply.js';

/**
 * Serves an upgrade request no binding takes (curl's `Upgrade: h2c`, say) as the ordinary
 * request it also is, as HTTP allows a server to ignore `Upgrade`. Node has already detached the
 * socket from its HTTP parser by then, so the response is written by hand on that socket, which
 * closes after it. A request with a body cannot be replayed that way and gets `501`.
 */
export function ignoreUpgrade(
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  serve: (request: IncomingMessage, response: ServerResponse) => void,
): void {
  const response = new ServerResponse(request);
  response.shouldKeepAlive = false;
  response.assignSocket(socket as Socket);
  // The socket closing emits the response's 'close', which the in-flight counts wait for.
  response.once('finish', function closeAfterResponse() {
    (socket as Socket).destroySoon();
  });
  const hasBody =
    head.length > 0 || request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (hasBody)
    return sendHttp1(response, errorReply(501, 'unimplemented', `upgrade to ${request.headers.upgrade ?? '?'} is not supported`));
  serve(request, response);
}
