/** HTTP headers as Node's HTTP/1.1 and HTTP/2 runtimes and undici hand them over, lower-case names. */
export type HttpHeaders = Readonly<Record<string, string | string[] | number | undefined>>;

/** The first value of header `name` (lower-case) as text, or `undefined` when it is absent. */
export function headerValue(headers: HttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value[0] : String(value);
}
