import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGovcServer, createServerMetrics } from '../../src/index.js';
import { startServer } from '../fixtures/test-server.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/** Counts the GC observers and event-loop monitors started and stopped while it watches. */
function watchMonitors() {
  const histogram = Object.getPrototypeOf(monitorEventLoopDelay()) as { enable(): boolean; disable(): boolean };
  const spies = {
    observe: vi.spyOn(PerformanceObserver.prototype, 'observe'),
    disconnect: vi.spyOn(PerformanceObserver.prototype, 'disconnect'),
    enable: vi.spyOn(histogram, 'enable'),
    disable: vi.spyOn(histogram, 'disable'),
  };
  return {
    counts: () => ({
      observers: spies.observe.mock.calls.length - spies.disconnect.mock.calls.length,
      monitors: spies.enable.mock.calls.length - spies.disable.mock.calls.length,
      started: spies.observe.mock.calls.length,
    }),
  };
}

describe('the runtime monitors (GC observer, event-loop delay)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('run while a server listens and stop when it closes, 20 servers in a row leaving none behind', async () => {
    const watch = watchMonitors();
    for (let i = 0; i < 20; i++) {
      const s = await startServer();
      expect(s.server.metrics.runtime.running).toBe(true);
      await s[Symbol.asyncDispose]();
      expect(s.server.metrics.runtime.running).toBe(false);
    }
    expect(watch.counts()).toEqual({ observers: 0, monitors: 0, started: 20 });
  });

  it('start nothing for a server that never listened, or failed to', async () => {
    const watch = watchMonitors();
    const first = await startServer();
    const idle = createGovcServer();
    const clash = createGovcServer({ port: first.port });
    await expect(clash.listen()).rejects.toThrow(/EADDRINUSE/);
    expect([idle.metrics.runtime.running, clash.metrics.runtime.running]).toEqual([false, false]);
    await Promise.all([idle.close(), clash.close(), first[Symbol.asyncDispose]()]);
    expect(watch.counts()).toEqual({ observers: 0, monitors: 0, started: 1 });
  });

  it('keep running for servers sharing one ServerMetrics until the last closes', async () => {
    const watch = watchMonitors();
    const metrics = createServerMetrics();
    const one = await startServer({ metrics });
    const two = await startServer({ metrics });
    expect(watch.counts()).toEqual({ observers: 1, monitors: 1, started: 1 });
    await one[Symbol.asyncDispose]();
    await one[Symbol.asyncDispose](); // close is idempotent: it gives its start back once
    expect(metrics.runtime.running).toBe(true);
    await two[Symbol.asyncDispose]();
    expect(metrics.runtime.running).toBe(false);
    expect(watch.counts()).toEqual({ observers: 0, monitors: 0, started: 1 });
  });

  it('never hold the process open: a process that served, scraped and closed ends by itself', async () => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/metrics/serve-and-exit.ts'], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    try {
      expect(await exited, err).toBe(0);
      expect(out).toBe('closed\n');
    } finally {
      clearTimeout(timer);
    }
  }, 20_000);
});
