const maxShownChars = 80;

/**
 * Quotes a caller's value for an error message: JSON-escaped, so control characters and lone
 * surrogates show as escapes, and cut to 80 characters, so a huge value cannot flood a log.
 */
export function describeValue(value: string): string {
  if (value.length <= maxShownChars) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, maxShownChars))}… (${value.length} chars)`;
}
