import { defaultCaseTimeoutMs, type ConformanceCase, type ConformanceCaseResult } from './conformance-case.js';
import { conformanceCases } from './conformance-cases.js';
import { KitState } from './kit-state.js';
import type { ConformanceCapabilities, ConformanceFactory, ConformanceSetup } from './kit.js';

const stopTimeoutMs = 5000;

/** Runs `c` against the kit, failing it when it outlasts its time limit. */
async function runCase(kit: KitState, c: ConformanceCase): Promise<ConformanceCaseResult> {
  if (c.needs !== undefined && !kit.capabilities[c.needs]) return { id: c.id, title: c.title, outcome: 'skipped' };
  const limitMs = c.timeoutMs ?? defaultCaseTimeoutMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`case timed out after ${limitMs} ms`)), limitMs);
  });
  try {
    await Promise.race([c.run(kit), timeout]);
    return { id: c.id, title: c.title, outcome: 'passed' };
  } catch (error) {
    return { id: c.id, title: c.title, outcome: 'failed', error };
  } finally {
    clearTimeout(timer);
    kit.faults.clear();
  }
}

/**
 * Runs every conformance case against one transport, one after another as
 * `describeTransportConformance` does, and reports how each went instead of registering tests:
 * for tools, and for tests that assert which cases a transport fails.
 */
export async function runConformance(
  factory: ConformanceFactory,
  capabilities: ConformanceCapabilities,
  setup: ConformanceSetup,
): Promise<ConformanceCaseResult[]> {
  const kit = new KitState(capabilities);
  await kit.start(factory, setup);
  const results: ConformanceCaseResult[] = [];
  try {
    for (const c of conformanceCases) results.push(await runCase(kit, c));
  } finally {
    // A broken transport's close() may never resolve (a leaked stream holds it): do not hang on it.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([kit.stop(), new Promise((resolve) => (timer = setTimeout(resolve, stopTimeoutMs)))]);
    clearTimeout(timer);
  }
  return results;
}
