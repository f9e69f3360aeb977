/**
 * The units a size flag takes, by lower-case name. Binary ones are what the defaults are made of;
 * the 1000-based ones are there because `16MB` is what many people type, and it means 16 000 000.
 */
const units: ReadonlyMap<string, number> = new Map([
  ['', 1],
  ['b', 1],
  ['kib', 1024],
  ['mib', 1024 ** 2],
  ['gib', 1024 ** 3],
  ['kb', 1000],
  ['mb', 1000 ** 2],
  ['gb', 1000 ** 3],
]);

/** The units {@link formatByteSize} writes, largest first, so that the first to divide a size exactly gives the shortest number. */
const formatUnits = [
  ['GiB', 1024 ** 3],
  ['GB', 1000 ** 3],
  ['MiB', 1024 ** 2],
  ['MB', 1000 ** 2],
  ['KiB', 1024],
  ['KB', 1000],
] as const;

/** One sentence on what a size may look like, for the messages that refuse one. */
export const byteSizeSyntax =
  'a whole number of bytes, optionally with a unit: KiB, MiB, GiB (1024-based) or KB, MB, GB (1000-based), e.g. 16MiB';

/** What {@link parseByteSize} made of a text: the bytes, or why it is not a size (`is negative`, `has an unknown unit "XB"`: words to follow the quoted text). */
export type ParsedByteSize = { readonly ok: true; readonly bytes: number } | { readonly ok: false; readonly reason: string };

/**
 * Reads a byte size as the size flags take it: digits, then optionally a unit (`100B`, `512KiB`,
 * `16MiB`, `1GiB`, `16MB`; case-insensitive, no space). Refuses, with the reason in words, a sign,
 * a fraction, an unknown unit, and anything past `Number.MAX_SAFE_INTEGER` bytes (beyond which
 * counts of bytes stop being exact).
 */
export function parseByteSize(text: string): ParsedByteSize {
  const match = /^(\d+)([A-Za-z]*)$/.exec(text);
  if (!match) {
    if (/^[-+]/.test(text)) return { ok: false, reason: text.startsWith('-') ? 'is negative' : 'has a sign' };
    if (/^\d*[.,]\d/.test(text)) return { ok: false, reason: 'has a fraction (write 1536MiB for 1.5GiB)' };
    return { ok: false, reason: 'is not a number of bytes' };
  }
  const [, digits = '', unit = ''] = match;
  const multiplier = units.get(unit.toLowerCase());
  if (multiplier === undefined) return { ok: false, reason: `has an unknown unit ${JSON.stringify(unit)}` };
  const bytes = Number(digits) * multiplier;
  if (!Number.isSafeInteger(bytes)) return { ok: false, reason: `is more than ${Number.MAX_SAFE_INTEGER} bytes` };
  return { ok: true, bytes };
}

/** Writes `bytes` in the largest unit that divides it exactly (`16MiB`, `16MB`), else in bytes (`1500B`); {@link parseByteSize} reads it back. */
export function formatByteSize(bytes: number): string {
  if (bytes > 0) {
    for (const [unit, size] of formatUnits) if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}
