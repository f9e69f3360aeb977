import { createDiskStore, createGovcService, createMemoryStore, type Storage } from '@govc/service';
import { createHttpBinding } from '@govc/transport-http';
import { createAccessPolicy } from '../auth/access-policy.js';
import { authorizeHandler } from '../auth/authorize-handler.js';
import { createGovcServer, type ListeningAddress } from '../create-govc-server.js';
import { createCallLog, observeAll } from '../logging/call-log.js';
import { createServerMetrics } from '../metrics/server-metrics.js';
import { registerIdempotencyMetrics } from '../metrics/idempotency-metrics.js';
import { registerStoreMetrics } from '../metrics/store-metrics.js';
import type { CliIo } from './cli-io.js';
import type { ServeArgs } from './parse-serve-args.js';

/** How long in-flight calls get to finish after SIGTERM: 10 s, below a process manager's usual 30 s. */
const shutdownGraceMs = 10_000;
/**
 * How long shutdown may take beyond that grace before the process gives up waiting and exits 1:
 * the service's close is quick, so this only bounds a bug.
 */
const shutdownSlackMs = 5_000;

/** The one line `govc serve` prints once it listens; tools read the URL off it. */
export function bannerOf(address: ListeningAddress, args: Pick<ServeArgs, 'tls' | 'memoryLimit' | 'tokens'>, store?: Storage): string {
  const protocols = args.tls ? 'HTTP/1.1 + h2 via ALPN' : 'HTTP/1.1 + h2c';
  const storeText = store && !store.description.startsWith('memory') ? store.description : `memory (limit ${args.memoryLimit} bytes)`;
  const n = args.tokens?.length ?? 0;
  const authText = args.tokens ? `auth by ${n} token${n === 1 ? '' : 's'}` : 'no auth: loopback only';
  return `govc listening on ${address.url} (${protocols}) with store ${storeText}, ${authText}`;
}

/** The store `govc serve` was asked for: durable in `--data-dir`, or in memory. */
async function openStore(args: ServeArgs): Promise<Storage> {
  if (args.dataDir === undefined) return createMemoryStore({ memoryLimit: args.memoryLimit });
  return createDiskStore({ dataDir: args.dataDir });
}

/** Resolves with the first of SIGTERM or SIGINT to arrive. */
function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    function onSignal(signal: NodeJS.Signals): void {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(signal);
    }
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/**
 * `govc serve`: the service on the in-memory store, behind the plain HTTP binding, on one port.
 * Runs until SIGTERM or SIGINT, then closes gracefully and resolves with the exit status: 0, or
 * 1 when it could not listen, when a second signal forces it, or when closing overran.
 */
export async function serve(args: ServeArgs, io: CliIo): Promise<number> {
  let store: Storage;
  try {
    store = await openStore(args);
  } catch (error) {
    io.stderr.write(`govc: cannot open the store in ${args.dataDir}: ${(error as Error).message}\n`);
    return 1;
  }
  const service = createGovcService({ store, ...(args.limits.maxBatchOps === undefined ? {} : { maxBatchOps: args.limits.maxBatchOps }) });
  const metrics = createServerMetrics();
  registerStoreMetrics(metrics.registry, store);
  registerIdempotencyMetrics(metrics.registry, service);
  const accessPolicy = args.tokens && createAccessPolicy(args.tokens);
  const handler = accessPolicy ? authorizeHandler(service, accessPolicy) : service;
  const observer = args.logCalls ? observeAll(metrics.observer, createCallLog((line) => io.stderr.write(line))) : metrics.observer;
  const { limits } = args;
  const server = createGovcServer({
    port: args.port,
    host: args.host,
    ...(args.tls ? { tls: args.tls } : {}),
    ...(accessPolicy ? { accessPolicy } : {}),
    allowedOrigins: args.corsOrigins,
    bindings: [
      createHttpBinding(handler, {
        observer,
        privateCache: accessPolicy !== undefined,
        ...(limits.maxMessageBytes === undefined ? {} : { maxMessageBytes: limits.maxMessageBytes }),
        ...(limits.maxInflatedBytes === undefined ? {} : { maxInflatedBytes: limits.maxInflatedBytes }),
      }),
    ],
    metrics,
    limits: {
      ...(limits.maxConnections === undefined ? {} : { maxConnections: limits.maxConnections }),
      ...(limits.maxHeaderBytes === undefined ? {} : { maxHeaderBytes: limits.maxHeaderBytes }),
    },
    ...(limits.maxStreams === undefined ? {} : { http2: { maxConcurrentStreams: limits.maxStreams } }),
    timeouts: {
      shutdownMs: shutdownGraceMs,
      ...(limits.idleTimeoutMs === undefined ? {} : { idleMs: limits.idleTimeoutMs }),
      ...(limits.headersTimeoutMs === undefined ? {} : { headersMs: limits.headersTimeoutMs }),
      ...(limits.requestTimeoutMs === undefined ? {} : { requestMs: limits.requestTimeoutMs }),
    },
    onError: function report(error) {
      io.stderr.write(`govc: ${error.message}\n`);
    },
  });

  let address: ListeningAddress;
  try {
    address = await server.listen();
  } catch (error) {
    io.stderr.write(`govc: cannot listen on ${args.host}:${args.port}: ${(error as Error).message}\n`);
    await server.close();
    await service.close();
    return 1;
  }
  io.stdout.write(`${bannerOf(address, args, store)}\n`);

  const signal = await nextSignal();
  io.stderr.write(`govc: ${signal}, closing: no new connections, in-flight calls finish (send it again to force)\n`);
  const forced = nextSignal().then(function forcedExit() {
    io.stderr.write('govc: forced to exit\n');
    return 1;
  });
  let overran: NodeJS.Timeout | undefined;
  const overrun = new Promise<number>((resolve) => {
    overran = setTimeout(function shutdownOverran() {
      io.stderr.write('govc: shutdown took too long, exiting\n');
      resolve(1);
    }, shutdownGraceMs + shutdownSlackMs);
    overran.unref();
  });
  async function closeAll(): Promise<number> {
    await server.close();
    await service.close();
    return 0;
  }
  const status = await Promise.race([closeAll(), forced, overrun]);
  clearTimeout(overran);
  return status;
}
