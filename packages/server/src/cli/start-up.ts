import { setTimeout as sleep } from 'node:timers/promises';
import { GovcError } from '@govc/core';
import { createDiskStore, createGovcService, createMemoryStore, type GovcService, type Storage } from '@govc/service';
import { createHttpBinding } from '@govc/transport-http';
import { createAccessPolicy } from '../auth/access-policy.js';
import { authorizeHandler } from '../auth/authorize-handler.js';
import { createGovcServer, type GovcServer, type ListeningAddress } from '../create-govc-server.js';
import { createCallLog, observeAll } from '../logging/call-log.js';
import { createServerMetrics } from '../metrics/server-metrics.js';
import { registerIdempotencyMetrics } from '../metrics/idempotency-metrics.js';
import { registerStoreMetrics } from '../metrics/store-metrics.js';
import type { OpenedStore } from './banner.js';
import type { CliIo } from './cli-io.js';
import { describeFsError } from './describe-fs-error.js';
import type { ServeArgs } from './parse-serve-args.js';
import { prepareDataDir, type PreparedDataDir } from './prepare-data-dir.js';
import type { ServeLog } from './serve-log.js';
import type { SignalWatch } from './signal-watch.js';
import { StartUpError } from './start-up-error.js';

/** How long in-flight calls get to finish after SIGTERM: 10 s, below a process manager's usual 30 s. */
export const shutdownGraceMs = 10_000;

/**
 * How long a signal during start-up waits for the step under way (opening the store, binding the
 * port) so as to close what it opens and release the data-dir lock. Past it the process exits
 * anyway: the kernel frees the lock of a process that exits, and the disk store survives being
 * cut off at any point, as it survives kill -9.
 */
const startUpStopMs = 3_000;

/** A server that is listening, with what shutting it down needs. */
export interface StartedServer {
  readonly server: GovcServer;
  readonly service: GovcService;
  readonly address: ListeningAddress;
  readonly store: OpenedStore;
}

/** How start-up ended: listening, or done with an exit status (a failure said, or a signal obeyed). */
export type StartUpOutcome = { readonly started: StartedServer } | { readonly status: number };

type Raced<T> = { readonly value: T } | { readonly signal: NodeJS.Signals };

/** `step`'s value, or the stop signal if that comes first; a step that fails rejects as it is. */
function raceStop<T>(step: Promise<T>, stop: Promise<NodeJS.Signals>): Promise<Raced<T>> {
  return Promise.race([step.then((value) => ({ value })), stop.then((signal) => ({ signal }))]);
}

/**
 * A store failure in words: a file-system cause as such, a store's own refusal by its message
 * with its code (`[failed_precondition] data directory … is in use …`), which scripts match on.
 */
function describeStoreError(error: unknown): string {
  if (!(error instanceof GovcError)) return describeFsError(error);
  const cause = error.cause as NodeJS.ErrnoException | undefined;
  return typeof cause?.code === 'string' ? describeFsError(cause) : error.message;
}

/** The store `govc serve` was asked for: durable in the prepared data dir, or in memory. */
async function openStore(args: ServeArgs, dataDir: PreparedDataDir | undefined): Promise<Storage> {
  if (dataDir === undefined) return createMemoryStore({ memoryLimit: args.memoryLimit });
  try {
    return await createDiskStore({ dataDir: dataDir.path });
  } catch (error) {
    throw new StartUpError(`cannot open the store in ${dataDir.path}: ${describeStoreError(error)}`);
  }
}

/** The service on `store` behind the plain HTTP binding, with the server around it (not listening yet). */
function assemble(args: ServeArgs, io: CliIo, log: ServeLog, store: Storage): { server: GovcServer; service: GovcService } {
  const service = createGovcService({ store, ...(args.limits.maxBatchOps === undefined ? {} : { maxBatchOps: args.limits.maxBatchOps }) });
  const metrics = createServerMetrics();
  registerStoreMetrics(metrics.registry, store);
  registerIdempotencyMetrics(metrics.registry, service);
  const accessPolicy = args.tokens && createAccessPolicy(args.tokens);
  const handler = accessPolicy ? authorizeHandler(service, accessPolicy) : service;
  const observer = args.logCalls
    ? observeAll(
        metrics.observer,
        createCallLog((line) => io.stderr.write(line)),
      )
    : metrics.observer;
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
      log.note('error', error.message, { error: error.message });
    },
  });
  return { server, service };
}

/**
 * Stops start-up on `signal`: says so, then gives `cleanup` (the step under way, then closing
 * what it opened) {@link startUpStopMs} to finish; exit status 0, or 1 when a second signal
 * forces the exit.
 */
async function stopStartUp(
  signal: NodeJS.Signals,
  log: ServeLog,
  signals: SignalWatch,
  cleanup: Promise<unknown>,
): Promise<StartUpOutcome> {
  log.note('stopped during start-up', `stopped during start-up (${signal})`, { signal });
  const abandon = new AbortController();
  const outcome = await Promise.race([
    cleanup.then(
      () => 'done',
      () => 'done',
    ),
    sleep(startUpStopMs, 'timeout', { signal: abandon.signal }).catch(() => 'done'),
    signals.next(),
  ]);
  abandon.abort();
  if (outcome === 'done' || outcome === 'timeout') return { status: 0 };
  log.note('forced to exit', 'forced to exit', { signal: outcome });
  return { status: 1 };
}

/**
 * Starts `govc serve`: makes the data dir ready (see `prepareDataDir`), opens the store, binds
 * the port. A failure is said in words (no stack trace) and ends it with status 1; `stop`, the
 * first SIGTERM or SIGINT, ends it at whatever step it is, closing what was opened (status 0).
 */
export async function startUp(
  args: ServeArgs,
  io: CliIo,
  log: ServeLog,
  signals: SignalWatch,
  stop: Promise<NodeJS.Signals>,
): Promise<StartUpOutcome> {
  try {
    let dataDir: PreparedDataDir | undefined;
    if (args.dataDir !== undefined) {
      const preparing = prepareDataDir(args.dataDir);
      const prepared = await raceStop(preparing, stop);
      if ('signal' in prepared) return await stopStartUp(prepared.signal, log, signals, preparing);
      dataDir = prepared.value;
    }

    const opening = openStore(args, dataDir);
    const storeOrSignal = await raceStop(opening, stop);
    if ('signal' in storeOrSignal)
      return await stopStartUp(
        storeOrSignal.signal,
        log,
        signals,
        opening.then((store) => store.close()),
      );
    const store = storeOrSignal.value;
    const { server, service } = assemble(args, io, log, store);
    const closeAll = async function closeAll(): Promise<void> {
      await server.close();
      await service.close();
    };

    const listening = server.listen();
    let listened: Raced<ListeningAddress>;
    try {
      listened = await raceStop(listening, stop);
    } catch (error) {
      await closeAll();
      throw new StartUpError(`cannot listen on ${args.host}:${args.port}: ${(error as Error).message}`);
    }
    if ('signal' in listened) return await stopStartUp(listened.signal, log, signals, listening.finally(closeAll));
    const opened: OpenedStore =
      dataDir === undefined
        ? { kind: 'memory' }
        : { kind: 'disk', path: dataDir.path, isNew: dataDir.isNew, repositories: store.usage().repositories };
    return { started: { server, service, address: listened.value, store: opened } };
  } catch (error) {
    if (!(error instanceof StartUpError)) throw error;
    log.note('start-up failed', error.message, { error: error.message });
    return { status: 1 };
  }
}
