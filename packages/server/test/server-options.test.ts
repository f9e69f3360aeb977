import { describe, expect, it } from 'vitest';
import { resolveServerOptions } from '../src/server-options.js';

describe('resolveServerOptions', () => {
  it('fills in every default', () => {
    const resolved = resolveServerOptions({});
    expect({ ...resolved, metrics: undefined, onError: undefined }).toEqual({
      port: 0,
      host: '127.0.0.1',
      bindings: [],
      tls: undefined,
      timeouts: { sniffMs: 10_000, headersMs: 15_000, requestMs: 300_000, idleMs: 30_000, checkIntervalMs: 1_000, shutdownMs: 10_000 },
      http2: { maxConcurrentStreams: 256, initialWindowSize: 1024 * 1024, connectionWindowSize: 8 * 1024 * 1024 },
      keepAliveDelayMs: 60_000,
      limits: { maxConnections: 4_096, maxHeaderBytes: 16 * 1024 },
      metrics: undefined,
      onError: undefined,
      accessPolicy: undefined,
      allowedOrigins: new Set(),
    });
    expect(resolved.metrics.registry.render()).toContain('govc_connections_open');
  });

  it('refuses numbers that make no sense, naming the option', () => {
    expect(() => resolveServerOptions({ port: 70_000 })).toThrow('port must be an integer >= 0 and <= 65535, got 70000');
    expect(() => resolveServerOptions({ port: -1 })).toThrow('port must be an integer >= 0 and <= 65535, got -1');
    expect(() => resolveServerOptions({ timeouts: { idleMs: 1.5 } })).toThrow('timeouts.idleMs');
    expect(() => resolveServerOptions({ http2: { maxConcurrentStreams: NaN } })).toThrow('http2.maxConcurrentStreams');
    expect(() => resolveServerOptions({ timeouts: { headersMs: 2_000, requestMs: 1_000 } })).toThrow(
      'timeouts.headersMs (2000) cannot exceed timeouts.requestMs (1000)',
    );
    expect(() => resolveServerOptions({ timeouts: { headersMs: 2_000, requestMs: 0 } })).not.toThrow();
  });
});
