import { optionValue } from '../options/option-value.js';
import type { ConformanceCapabilities } from './kit.js';

const MiB = 1024 * 1024;

/**
 * What a transport may declare. The bounds keep a declaration from excusing a transport from a
 * case: a tiny `largeMessageBytes` would make the large-message case trivial, a huge
 * `maxReadAheadBytes` would let a stream ignore backpressure (the case streams 32 MiB).
 */
export const capabilityBounds = {
  largeMessageBytes: { min: 4 * MiB, max: 64 * MiB, default: 4 * MiB },
  maxReadAheadBytes: { min: 0, max: 8 * MiB, default: 4 * MiB },
} as const;

/** The capabilities with defaults filled in; throws if a declared one is out of bounds. */
export function resolveCapabilities(declared: ConformanceCapabilities): Required<ConformanceCapabilities> {
  const resolved = {
    largeMessageBytes: capabilityBounds.largeMessageBytes.default,
    maxReadAheadBytes: capabilityBounds.maxReadAheadBytes.default,
    ...declared,
  };
  for (const name of ['largeMessageBytes', 'maxReadAheadBytes'] as const) {
    const { min, max } = capabilityBounds[name];
    optionValue(`conformance capability ${name}`, resolved[name], undefined, { min, max, integer: true });
  }
  return resolved;
}
