import type { ConformanceCapabilities, Kit } from './kit.js';

/**
 * One conformance case, as data: the kit registers every case with vitest
 * (`describeTransportConformance`) or runs them and reports per case (`runConformance`), so a
 * test can assert exactly which cases a transport fails.
 */
export interface ConformanceCase {
  /** Stable id, `<group>/<slug>`, e.g. `streams/upload-flows-as-sent`. */
  readonly id: string;
  /** What the case proves, shown as the test title. */
  readonly title: string;
  /** A declared capability the case needs; without it the case is reported skipped, never passed. */
  readonly needs?: keyof Pick<ConformanceCapabilities, 'bidi'>;
  /** Per-case time limit. Default 20 s. */
  readonly timeoutMs?: number;
  run(kit: Kit): Promise<void>;
}

/** How one case went against one transport. */
export interface ConformanceCaseResult {
  readonly id: string;
  readonly title: string;
  readonly outcome: 'passed' | 'failed' | 'skipped';
  /** Why it failed. */
  readonly error?: unknown;
}

export const defaultCaseTimeoutMs = 20_000;

/** The group of a case id (`streams/…` → `streams`). */
export function caseGroup(id: string): string {
  return id.slice(0, id.indexOf('/'));
}
