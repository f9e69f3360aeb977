import type { GovcClient } from '../client/create-client.js';
import type { AnyHandler, ServiceHandler } from '../handler.js';
import type { FaultPlan } from '../in-process/faults.js';
import type { Middleware } from '../middleware/middleware.js';
import type { AnyMethod } from '../schema/methods.js';
import type { Transport } from '../transport.js';
import type { ServerProbe } from './conformance-handler.js';

/** A transport connected to a server that serves `handler` (in process, or over a real socket). */
export interface ConformanceFixture {
  readonly transport: Transport;
  /** Stops the server and closes the transport. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** What a factory gets: the handler to serve and every method its binding must route. */
export interface FixtureInput {
  readonly handler: AnyHandler;
  readonly methods: readonly AnyMethod[];
}

/** Starts a server for `input.handler` and a transport connected to it. */
export type ConformanceFactory = (input: FixtureInput) => Promise<ConformanceFixture>;

/** What the transport can do; what it cannot is declared here, never skipped silently. */
export interface ConformanceCapabilities {
  /** Shown in test titles, e.g. `http/2 msgpack gzip`. */
  readonly name: string;
  /** Whether bidi calls work (gRPC-web and plain HTTP/1.1 cannot). */
  readonly bidi: boolean;
  /** Largest unary message the kit sends: 4 to 64 MiB (`capabilityBounds`). Default 4 MiB. */
  readonly largeMessageBytes?: number;
  /**
   * How many bytes a server stream may run ahead of a reader that stopped reading (socket and
   * flow-control buffers): at most 8 MiB (`capabilityBounds`). Default 4 MiB.
   */
  readonly maxReadAheadBytes?: number;
}

/** What the kit needs beyond the transport: the real service to serve. */
export interface ConformanceSetup {
  /** A fresh govc service (from `@govc/service`); the kit closes it at the end. */
  readonly createService: () => ServiceHandler & { close?(): Promise<void> };
}

/** The state every case file shares while the suite runs. */
export interface Kit {
  readonly capabilities: Required<ConformanceCapabilities>;
  readonly client: GovcClient;
  readonly transport: Transport;
  readonly faults: FaultPlan;
  readonly probe: ServerProbe;
  /** A client over the same transport with middleware. */
  clientWith(middleware: readonly Middleware[]): GovcClient;
  /** A repository name no other case uses. */
  uniqueRepo(prefix: string): string;
  /** Creates a fresh repository and returns its name. */
  newRepo(prefix: string): Promise<string>;
}
