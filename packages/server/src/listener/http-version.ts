/**
 * The HTTP version a connection speaks, once its first bytes or ALPN said so. The listener
 * decides it; the router labels its metrics by it and refuses a binding that cannot serve it.
 */
export type HttpVersion = '1.1' | '2';

/**
 * The version that an ALPN result or the cleartext sniff names: `h2` is HTTP/2; anything else
 * (`http/1.1`, or `false` when a TLS client offered no ALPN) is HTTP/1.1.
 */
export function httpVersionOf(protocol: string | false | null): HttpVersion {
  return protocol === 'h2' ? '2' : '1.1';
}
