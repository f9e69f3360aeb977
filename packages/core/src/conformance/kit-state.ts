import { createClient, type GovcClient } from '../client/create-client.js';
import { createFaultPlan, withFaults, type FaultPlan } from '../in-process/faults.js';
import type { Middleware } from '../middleware/middleware.js';
import { govcMethods } from '../schema/methods.js';
import type { Transport } from '../transport.js';
import { resolveCapabilities } from './capabilities.js';
import { conformanceHandler, createServerProbe, type ServerProbe } from './conformance-handler.js';
import { conformanceMethods } from './conformance-methods.js';
import type { ConformanceCapabilities, ConformanceFactory, ConformanceFixture, ConformanceSetup, Kit } from './kit.js';

/** The state the cases share while one transport's suite runs: its fixture, service, faults and probe. */
export class KitState implements Kit {
  readonly capabilities: Required<ConformanceCapabilities>;
  readonly faults: FaultPlan = createFaultPlan();
  readonly probe: ServerProbe = createServerProbe();
  #fixture: ConformanceFixture | undefined;
  #service: ReturnType<ConformanceSetup['createService']> | undefined;
  #client: GovcClient | undefined;
  #counter = 0;

  constructor(capabilities: ConformanceCapabilities) {
    this.capabilities = resolveCapabilities(capabilities);
  }

  /** Starts the service, serves it through `factory` and warms the transport up. */
  async start(factory: ConformanceFactory, setup: ConformanceSetup): Promise<void> {
    this.#service = setup.createService();
    const handler = withFaults(conformanceHandler(this.#service, this.probe), this.faults);
    const methods = [...Object.values(govcMethods), ...Object.values(conformanceMethods)];
    this.#fixture = await factory({ handler, methods });
    await this.transport.warmup();
  }

  /** Stops the fixture (server and transport) and closes the service. */
  async stop(): Promise<void> {
    await this.#fixture?.[Symbol.asyncDispose]();
    await this.#service?.close?.();
  }

  get transport(): Transport {
    if (!this.#fixture) throw new Error('the conformance fixture is not running');
    return this.#fixture.transport;
  }

  get client(): GovcClient {
    this.#client ??= createClient(this.transport);
    return this.#client;
  }

  clientWith(middleware: readonly Middleware[]): GovcClient {
    return createClient(this.transport, { middleware });
  }

  uniqueRepo(prefix: string): string {
    return `${prefix}-${++this.#counter}`;
  }

  async newRepo(prefix: string): Promise<string> {
    const repo = this.uniqueRepo(prefix);
    await this.client.createRepository({ repo });
    return repo;
  }
}
