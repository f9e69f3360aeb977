import { describe, expect, it } from 'vitest';
import { jsonCodec, msgpackCodec } from '@govc/core';
import { gzipCompression } from '@govc/core/node';
import { resolveHttpTransportOptions } from '../../src/client/http-transport-options.js';

describe('resolveHttpTransportOptions', () => {
  it('fills in every default', () => {
    expect(resolveHttpTransportOptions({ baseUrl: 'http://example.test:8080', httpVersion: '2' })).toEqual({
      origin: 'http://example.test:8080',
      pathPrefix: '',
      host: 'example.test',
      port: 8080,
      secure: false,
      httpVersion: '2',
      codec: msgpackCodec,
      compression: undefined,
      compressionThreshold: 1024,
      maxMessageBytes: 16 * 1024 * 1024,
      connections: 16,
      maxSessions: 4,
      pingIntervalMs: 30_000,
      idleTimeoutMs: 60_000,
      sessionWindowBytes: 16 * 1024 * 1024,
      streamWindowBytes: 4 * 1024 * 1024,
      ca: undefined,
      rejectUnauthorized: true,
      dnsTtlMs: 30_000,
      keepAliveInitialDelayMs: 30_000,
    });
  });

  it('reads ports, path prefixes, IPv6 hosts and TLS', () => {
    const resolved = resolveHttpTransportOptions({
      baseUrl: 'https://[::1]/api/govc/',
      httpVersion: '1.1',
      codec: jsonCodec,
      compression: 'gzip',
      tls: { ca: 'PEM', rejectUnauthorized: false },
    });
    expect(resolved).toMatchObject({ host: '::1', port: 443, secure: true, pathPrefix: '/api/govc', ca: 'PEM', rejectUnauthorized: false });
    expect(resolved.compression).toBe(gzipCompression);
    expect(resolved.codec).toBe(jsonCodec);
  });

  it('refuses bad options when the transport is made', () => {
    expect(() => resolveHttpTransportOptions({ baseUrl: 'ftp://x', httpVersion: '2' })).toThrow(TypeError);
    expect(() => resolveHttpTransportOptions({ baseUrl: 'not a url', httpVersion: '2' })).toThrow(TypeError);
    expect(() => resolveHttpTransportOptions({ baseUrl: 'http://x/?q=1', httpVersion: '2' })).toThrow(TypeError);
    expect(() => resolveHttpTransportOptions({ baseUrl: 'http://x', httpVersion: '3' as '2' })).toThrow(TypeError);
    expect(() => resolveHttpTransportOptions({ baseUrl: 'http://x', httpVersion: '2', connections: 0 })).toThrow(RangeError);
    expect(() => resolveHttpTransportOptions({ baseUrl: 'http://x', httpVersion: '2', h2: { windowBytes: { stream: 2 ** 31 } } })).toThrow(
      RangeError,
    );
  });
});
