// With the `u` flag a surrogate pair is one code point, so this matches only lone surrogates.
const loneSurrogate = /[\uD800-\uDFFF]/u;

/**
 * Whether `text` survives a UTF-8 round trip unchanged. A lone surrogate would be written as
 * U+FFFD, so the stored bytes (and the hash) would not be what the caller sent.
 */
export function isWellFormedString(text: string): boolean {
  return !loneSurrogate.test(text);
}
