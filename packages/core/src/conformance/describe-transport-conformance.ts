import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { caseGroup, defaultCaseTimeoutMs, type ConformanceCase } from './conformance-case.js';
import { conformanceCases } from './conformance-cases.js';
import { KitState } from './kit-state.js';
import type { ConformanceCapabilities, ConformanceFactory, ConformanceSetup } from './kit.js';

/**
 * Registers the conformance suite for one transport with vitest: every method and call shape,
 * headers, every error code end to end, deadlines and cancellation on both sides, large messages,
 * flow and backpressure, batch semantics, exactly-once retries, concurrency and invalid requests
 * — against the real govc service that `setup.createService` makes, served through `factory`.
 * A case whose capability the transport lacks is registered as skipped.
 */
export function describeTransportConformance(
  factory: ConformanceFactory,
  capabilities: ConformanceCapabilities,
  setup: ConformanceSetup,
): void {
  describe(`transport conformance: ${capabilities.name}`, () => {
    const kit = new KitState(capabilities);
    beforeAll(() => kit.start(factory, setup));
    afterEach(() => kit.faults.clear());
    afterAll(() => kit.stop());

    const groups = new Map<string, ConformanceCase[]>();
    for (const c of conformanceCases) groups.set(caseGroup(c.id), [...(groups.get(caseGroup(c.id)) ?? []), c]);
    for (const [group, cases] of groups) {
      describe(group, () => {
        for (const c of cases) {
          const lacking = c.needs !== undefined && !kit.capabilities[c.needs];
          it.skipIf(lacking)(`${c.title} [${c.id}]`, () => c.run(kit), c.timeoutMs ?? defaultCaseTimeoutMs);
        }
      });
    }
  });
}
