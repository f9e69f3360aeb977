import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { createClient, type GovcClient } from '../client/create-client.js';
import { createFaultPlan, withFaults, type FaultPlan } from '../in-process/faults.js';
import type { Middleware } from '../middleware/middleware.js';
import { govcMethods } from '../schema/methods.js';
import type { Transport } from '../transport.js';
import { batchCases } from './cases/batch-cases.js';
import { errorCases } from './cases/error-cases.js';
import { invalidInputCases } from './cases/invalid-input-cases.js';
import { loadCases } from './cases/load-cases.js';
import { lifecycleCases } from './cases/lifecycle-cases.js';
import { retryCases } from './cases/retry-cases.js';
import { streamCases } from './cases/stream-cases.js';
import { timingCases } from './cases/timing-cases.js';
import { unaryCases } from './cases/unary-cases.js';
import { conformanceHandler, type ServerProbe } from './conformance-handler.js';
import { conformanceMethods } from './conformance-methods.js';
import type { ConformanceCapabilities, ConformanceFactory, ConformanceFixture, ConformanceSetup, Kit } from './kit.js';

/** The kit's shared state, filled in by `beforeAll`. */
class KitState implements Kit {
  readonly capabilities: Required<ConformanceCapabilities>;
  readonly faults: FaultPlan = createFaultPlan();
  readonly probe: ServerProbe = { downloadChunksProduced: 0, uploadChunksConsumed: 0, streamsCanceled: 0 };
  fixture: ConformanceFixture | undefined;
  #client: GovcClient | undefined;
  #counter = 0;

  constructor(capabilities: ConformanceCapabilities) {
    this.capabilities = { largeMessageBytes: 4 * 1024 * 1024, maxReadAheadBytes: 4 * 1024 * 1024, ...capabilities };
  }

  get transport(): Transport {
    if (!this.fixture) throw new Error('the conformance fixture is not running');
    return this.fixture.transport;
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

/**
 * Registers the conformance suite for one transport: every method and call shape, every error
 * code end to end, deadlines, cancellation, large messages, backpressure, batch semantics,
 * exactly-once retries, concurrency and invalid requests — against the real govc service that
 * `setup.createService` makes, served through `factory`.
 */
export function describeTransportConformance(
  factory: ConformanceFactory,
  capabilities: ConformanceCapabilities,
  setup: ConformanceSetup,
): void {
  describe(`transport conformance: ${capabilities.name}`, () => {
    const kit = new KitState(capabilities);
    let service: ReturnType<ConformanceSetup['createService']> | undefined;

    beforeAll(async () => {
      service = setup.createService();
      const handler = withFaults(conformanceHandler(service, kit.probe), kit.faults);
      const methods = [...Object.values(govcMethods), ...Object.values(conformanceMethods)];
      kit.fixture = await factory({ handler, methods });
      await kit.transport.warmup();
    });
    afterEach(() => kit.faults.clear());
    afterAll(async () => {
      await kit.fixture?.[Symbol.asyncDispose]();
      await service?.close?.();
    });

    unaryCases(kit);
    streamCases(kit);
    errorCases(kit);
    timingCases(kit);
    batchCases(kit);
    retryCases(kit);
    loadCases(kit);
    invalidInputCases(kit);
    lifecycleCases(kit);
  });
}
