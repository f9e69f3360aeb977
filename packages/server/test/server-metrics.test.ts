import { createGovcService } from '@govc/service';
import { createHttpBinding } from '@govc/transport-http';
import { describe, expect, it } from 'vitest';
import { createServerMetrics } from '../src/index.js';
import { registerIdempotencyMetrics } from '../src/metrics/idempotency-metrics.js';
import { limitNames } from '../src/metrics/limit-names.js';
import { h1, h2, h2Session, sleep } from './fixtures/clients.js';
import { echoBinding } from './fixtures/echo-binding.js';
import { startServer } from './fixtures/test-server.js';

/** The value of one sample line in a scrape, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  it('shows calls, connections and requests by HTTP version after traffic', async () => {
    const metrics = createServerMetrics();
    await using s = await startServer({ metrics, bindings: [echoBinding({ observer: metrics.observer })] });
    expect(s.server.metrics).toBe(metrics);
    await h1(`${s.url}/echo/one`, { method: 'POST', body: '12345' });
    await h1(`${s.url}/nowhere`);
    const session = await h2Session(s.url);
    try {
      await h2(session, '/echo/one', { method: 'POST', body: '123' });
      await h2(session, '/echo/two');
      const text = (await h2(session, '/metrics')).body;
      expect(sample(text, 'govc_requests_total{protocol="echo",method="/echo/one"}')).toBe(2);
      expect(sample(text, 'govc_requests_total{protocol="echo",method="/echo/two"}')).toBe(1);
      expect(sample(text, 'govc_request_bytes_total{protocol="echo",method="/echo/one"}')).toBe(8);
      expect(sample(text, 'govc_request_duration_seconds_count{protocol="echo",method="/echo/one"}')).toBe(2);
      expect(sample(text, 'govc_http_requests_total{http="1.1",route="echo"}')).toBe(1);
      expect(sample(text, 'govc_http_requests_total{http="1.1",route="not_found"}')).toBe(1);
      expect(sample(text, 'govc_http_requests_total{http="2",route="echo"}')).toBe(2);
      expect(sample(text, 'govc_http_requests_total{http="2",route="metrics"}')).toBe(1);
      expect(sample(text, 'govc_http_requests_in_flight{http="2"}')).toBe(1); // the scrape itself
      expect(sample(text, 'govc_connections_open{http="2",tls="false"}')).toBe(1);
      expect(sample(text, 'govc_connections_total{http="1.1",tls="false"}')).toBe(2);
      expect(sample(text, 'govc_connections_total{http="2",tls="false"}')).toBe(1);
    } finally {
      session.close();
    }
    // Every connection closed: nothing stays counted as open or in flight.
    const busy = () => /govc_connections_open\{[^}]*\} [1-9]|govc_http_requests_in_flight\{[^}]*\} [1-9]/.test(metrics.registry.render());
    for (let i = 0; i < 100 && busy(); i++) await sleep(10);
    expect(metrics.registry.render()).not.toMatch(/govc_connections_open\{[^}]*\} [1-9]|govc_http_requests_in_flight\{[^}]*\} [1-9]/);
  });

  it("shows every limit at 0 on a fresh server's first scrape, before any client hit one", async () => {
    await using s = await startServer();
    const text = (await h1(`${s.url}/metrics`)).body;
    for (const limit of limitNames) expect(sample(text, `govc_limit_hits_total{limit="${limit}"}`), limit).toBe(0);
    const shown = text.split('\n').filter((line) => line.startsWith('govc_limit_hits_total{'));
    expect(shown).toHaveLength(limitNames.length);
  });

  it('counts idempotency outcomes forgotten inside their window, read from the service at each scrape', async () => {
    const service = createGovcService({ idempotency: { maxBytes: 2_000 } });
    const metrics = createServerMetrics();
    registerIdempotencyMetrics(metrics.registry, service);
    await using s = await startServer({ metrics, bindings: [createHttpBinding(service, { observer: metrics.observer })] });
    const scrape = async () => (await h1(`${s.url}/metrics`)).body;
    const before = await scrape();
    expect(before).toContain('# TYPE govc_idempotency_evicted_early_total counter\n');
    expect(sample(before, 'govc_idempotency_evicted_early_total')).toBe(0);
    for (let i = 0; i < 10; i++) {
      const headers = { 'content-type': 'application/json', 'idempotency-key': `key-${i}` };
      expect((await h1(`${s.url}/v1/CreateRepository`, { method: 'POST', headers, body: JSON.stringify({ repo: `r${i}` }) })).status).toBe(
        200,
      );
    }
    const { entries, evictedEarly } = service.idempotencyStats();
    expect(evictedEarly).toBe(10 - entries);
    expect(evictedEarly).toBeGreaterThan(0);
    expect(sample(await scrape(), 'govc_idempotency_evicted_early_total')).toBe(evictedEarly);
    await service.close();
  });
});
