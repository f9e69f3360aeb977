import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { LinkConnection } from './link-connection.js';
import { resolveLinkParameters, resolveLinkProxyOptions, type LinkParameters, type LinkProxyOptions } from './link-options.js';
import type { LinkStats } from './link-stats.js';

/** A running proxy: connect to `port` (or `url()`) instead of the target to cross the simulated link. */
export interface LinkProxy extends AsyncDisposable {
  /** The port the proxy listens on, on 127.0.0.1. */
  readonly port: number;
  /** `<scheme>://127.0.0.1:<port>`; the scheme defaults to `http`. */
  url(scheme?: string): string;
  /** Counters and what is held now; see `LinkStats`. */
  stats(): LinkStats;
  /**
   * Replaces the link for data the proxy reads from then on (data already in flight keeps its
   * timing, and order is kept); omitted fields take their defaults, as in `createLinkProxy`.
   * Throws a `RangeError` naming a bad field.
   */
  setLink(link: LinkParameters): void;
  /** Resets every open connection on both sides, as a failing link would; the proxy keeps accepting. */
  cutAll(): void;
  /** Stops listening and resets every open connection; resolves once all are closed. Safe to call twice. */
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Starts a loopback TCP proxy that forwards every connection to `options.target` byte for byte,
 * in both directions, across a simulated link (`latencyMs`, `rateMbit`). Options are checked
 * first: a bad one rejects with a `RangeError` naming it.
 */
export async function createLinkProxy(options: LinkProxyOptions): Promise<LinkProxy> {
  const resolved = resolveLinkProxyOptions(options);
  let link = resolved.link;
  const connections = new Set<LinkConnection>();
  let totalConnections = 0;
  let bytesUp = 0;
  let bytesDown = 0;
  const connectionOptions = {
    targetHost: resolved.targetHost,
    targetPort: resolved.targetPort,
    link: () => link,
    maxQueuedBytes: resolved.maxQueuedBytes,
    onForwardUp: (bytes: number) => void (bytesUp += bytes),
    onForwardDown: (bytes: number) => void (bytesDown += bytes),
  };
  // Half-open and without Nagle, for the reasons given on the upstream socket in LinkConnection.
  const server = createServer({ allowHalfOpen: true, noDelay: true }, function relay(client: Socket) {
    totalConnections++;
    const connection = new LinkConnection(client, connectionOptions);
    connections.add(connection);
    void connection.closed.then(() => connections.delete(connection));
  });
  const port = await listen(server, resolved.port);

  function cutAll(): void {
    for (const connection of connections) connection.cut();
  }

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= (async function closeProxy() {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      const open = [...connections];
      cutAll();
      await Promise.all([stopped, ...open.map((connection) => connection.closed)]);
    })();
    return closing;
  }

  return {
    port,
    url: (scheme = 'http') => `${scheme}://127.0.0.1:${port}`,
    stats() {
      let queuedBytes = 0;
      for (const connection of connections) queuedBytes += connection.heldBytes;
      return { connections: connections.size, totalConnections, bytesUp, bytesDown, queuedBytes };
    },
    setLink(next) {
      link = resolveLinkParameters(next);
    },
    cutAll,
    close,
    [Symbol.asyncDispose]: close,
  };
}
