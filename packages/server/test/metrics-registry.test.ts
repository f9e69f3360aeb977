import { describe, expect, it } from 'vitest';
import { MetricsRegistry, createServerMetrics } from '../src/index.js';

describe('MetricsRegistry', () => {
  it('renders counters, gauges and histograms in the text exposition format', () => {
    const registry = new MetricsRegistry();
    const calls = registry.counter({ name: 'calls_total', help: 'Calls.', labelNames: ['method'] });
    calls.labels('Get').inc();
    calls.labels('Get').inc(2);
    calls.labels('Put').inc();
    registry.gauge({ name: 'open', help: 'Open things.' });
    const latency = registry.histogram({ name: 'latency_seconds', help: 'Latency.', labelNames: ['method'], buckets: [0.1, 1] });
    latency.labels('Get').observe(0.05);
    latency.labels('Get').observe(0.1);
    latency.labels('Get').observe(5);
    expect(registry.render()).toBe(
      [
        '# HELP calls_total Calls.',
        '# TYPE calls_total counter',
        'calls_total{method="Get"} 3',
        'calls_total{method="Put"} 1',
        '# HELP open Open things.',
        '# TYPE open gauge',
        'open 0',
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{method="Get",le="0.1"} 2',
        'latency_seconds_bucket{method="Get",le="1"} 2',
        'latency_seconds_bucket{method="Get",le="+Inf"} 3',
        'latency_seconds_sum{method="Get"} 5.15',
        'latency_seconds_count{method="Get"} 3',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values and help text', () => {
    const registry = new MetricsRegistry();
    registry
      .counter({ name: 'odd_total', help: 'back\\slash\nnewline', labelNames: ['v'] })
      .labels('a"b\\c\nd')
      .inc();
    expect(registry.render()).toBe('# HELP odd_total back\\\\slash\\nnewline\n# TYPE odd_total counter\nodd_total{v="a\\"b\\\\c\\nd"} 1\n');
  });

  it('folds label combinations past maxSeries into one `other` series', () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter({ name: 'paths_total', help: 'Paths.', labelNames: ['path'], maxSeries: 2 });
    for (const path of ['/a', '/b', '/c', '/d', '/a']) counter.labels(path).inc();
    expect(registry.render()).toContain('paths_total{path="/a"} 2\npaths_total{path="/b"} 1\npaths_total{path="other"} 2\n');
  });

  it('refuses bad names, duplicate metrics, wrong label counts and counters going down', () => {
    const registry = new MetricsRegistry();
    expect(() => registry.counter({ name: '1bad', help: '' })).toThrow(TypeError);
    expect(() => registry.counter({ name: 'ok_total', help: '', labelNames: ['__reserved'] })).toThrow(TypeError);
    expect(() => registry.histogram({ name: 'h', help: '', labelNames: ['le'], buckets: [1] })).toThrow(TypeError);
    expect(() => registry.histogram({ name: 'h2', help: '', buckets: [2, 1] })).toThrow(TypeError);
    const counter = registry.counter({ name: 'c_total', help: '', labelNames: ['a'] });
    expect(() => registry.gauge({ name: 'c_total', help: '' })).toThrow('already registered');
    expect(() => counter.labels()).toThrow(TypeError);
    expect(() => counter.labels('x').inc(-1)).toThrow(RangeError);
  });

  it('renders a histogram without labels with `le` as its only label', () => {
    const registry = new MetricsRegistry();
    registry
      .histogram({ name: 'pause_seconds', help: 'Pauses.', buckets: [0.5] })
      .labels()
      .observe(0.25);
    expect(registry.render()).toBe(
      '# HELP pause_seconds Pauses.\n# TYPE pause_seconds histogram\n' +
        'pause_seconds_bucket{le="0.5"} 1\npause_seconds_bucket{le="+Inf"} 1\npause_seconds_sum 0.25\npause_seconds_count 1\n',
    );
  });

  it('runs each onScrape collector once per render, before any metric renders', () => {
    const registry = new MetricsRegistry();
    const calls: string[] = [];
    registry.gauge({ name: 'first', help: 'First.', collect: () => calls.push('first') });
    let value = 0;
    const second = registry.gauge({ name: 'second', help: 'Second.' });
    registry.onScrape(() => {
      calls.push('collector');
      second.labels().set(++value);
    });
    expect(registry.render()).toContain('second 1\n');
    expect(calls).toEqual(['collector', 'first']);
    expect(registry.render()).toContain('second 2\n');
  });

  it('brings a gauge up to date with its collect function at each scrape', () => {
    const registry = new MetricsRegistry();
    let size = 1;
    registry.gauge({ name: 'store_bytes', help: 'Bytes.', collect: (gauge) => gauge.labels().set(size) });
    expect(registry.render()).toContain('store_bytes 1\n');
    size = 42;
    expect(registry.render()).toContain('store_bytes 42\n');
  });
});

describe('createServerMetrics', () => {
  it('counts what bindings report through the observer, errors by code', () => {
    const metrics = createServerMetrics();
    metrics.observer({ protocol: 'http', method: 'StoreBlob', code: 'ok', durationMs: 2, bytesIn: 10, bytesOut: 60 });
    metrics.observer({ protocol: 'http', method: 'StoreBlob', code: 'not_found', durationMs: 1, bytesIn: 5, bytesOut: 40 });
    metrics.observer({ protocol: 'grpc', method: 'StoreBlob', code: 'ok', durationMs: NaN, bytesIn: -1, bytesOut: 0 });
    const text = metrics.registry.render();
    expect(text).toContain('govc_requests_total{protocol="http",method="StoreBlob"} 2\n');
    expect(text).toContain('govc_requests_total{protocol="grpc",method="StoreBlob"} 1\n');
    expect(text).toContain('govc_request_errors_total{protocol="http",method="StoreBlob",code="not_found"} 1\n');
    expect(text).toContain('govc_request_duration_seconds_count{protocol="http",method="StoreBlob"} 2\n');
    expect(text).toContain('govc_request_duration_seconds_sum{protocol="http",method="StoreBlob"} 0.003\n');
    expect(text).toContain('govc_request_bytes_total{protocol="http",method="StoreBlob"} 15\n');
    expect(text).toContain('govc_response_bytes_total{protocol="http",method="StoreBlob"} 100\n');
    expect(text).toContain('govc_request_bytes_total{protocol="grpc",method="StoreBlob"} 0\n');
  });
});
