import { createClient, createInProcessTransport, type DataChunk, type ServiceHandler } from '@govc/core';
import { createGovcService } from '@govc/service';
import { describe, expect, it } from 'vitest';
import { parseDdSummary } from '../src/measure/disk-speed.js';
import { allWorkloads, httpTarget, inProcessTarget, markdownReport, runBench, type Target } from '../src/index.js';

const streamWorkloads = ['upload-64mib', 'download-64mib', 'watch-fanout-100'];

/** A service whose DownloadBlob drops the last chunk of every stream: the bench must catch the short download. */
function lastChunkDroppingService(): ReturnType<typeof createGovcService> {
  const service = createGovcService();
  const downloadBlob: ServiceHandler['DownloadBlob'] = async function* dropLastChunk(request, context) {
    let held: DataChunk | undefined;
    for await (const chunk of service.DownloadBlob(request, context)) {
      if (held) yield held;
      held = chunk;
    }
  };
  return { ...service, DownloadBlob: downloadBlob };
}

describe('the stream and fan-out workloads', () => {
  it(
    'upload and download 64 MiB (over govc serve --data-dir for http2), fan a ref out to 100 watchers, and fail a download that lost its last chunk',
    { timeout: 90_000 },
    async () => {
      const workloads = allWorkloads().filter((workload) => streamWorkloads.includes(workload.name));
      const broken: Target = {
        ...inProcessTarget(lastChunkDroppingService, 'dropped-last-chunk'),
        supports: (workload) => workload.name === 'download-64mib',
      };
      const targets = [inProcessTarget(), httpTarget('2'), broken];
      const report = await runBench({ targets, workloads, mode: 'quick', repetitions: 1, opsScale: 0.001 });

      expect(report.cells.map((cell) => `${cell.target} ${cell.workload} ${cell.status}`)).toEqual([
        'in-process upload-64mib ok',
        'in-process download-64mib ok',
        'in-process watch-fanout-100 ok',
        'http2 upload-64mib ok',
        'http2 download-64mib ok',
        'http2 watch-fanout-100 ok',
        'dropped-last-chunk download-64mib failed',
      ]);
      expect(report.cells.at(-1)!.error).toMatch(/DownloadBlob streamed \d+ bytes, not 67108864/);
      // The disk workloads ran on a --data-dir server: the disk's own speed was probed after them.
      expect(report.diskSpeedError).toBeUndefined();
      expect(report.diskSpeed!.megabytesPerSecond).toBeGreaterThan(0);
      expect(markdownReport(report)).toMatch(/The --data-dir disk itself: \d+ MB\/s \(dd of 256 MiB/);
      for (const cell of report.cells.filter((candidate) => candidate.status === 'ok')) expect(cell.repetitions[0]!.ops).toBe(1);
    },
  );

  it('reports the peak resident sets of a stream through its figures hook', { timeout: 30_000 }, async () => {
    const service = createGovcService();
    const transport = createInProcessTransport(service);
    const client = createClient(transport);
    try {
      await client.createRepository({ repo: 'peaks' });
      const workload = allWorkloads().find((candidate) => candidate.name === 'upload-64mib')!;
      const prepared = await workload.prepare(client, 'peaks', transport, { pid: process.pid });
      await (
        await prepared.op(0)
      )();
      await prepared.verifyState();
      const figures = prepared.figures!();
      // The client holds the 64 MiB it sends: its peak is at least that.
      expect(figures['clientPeakRssMiB']).toBeGreaterThan(64);
      expect(figures['serverPeakRssMiB']).toBe(figures['clientPeakRssMiB']);
    } finally {
      await transport.close();
      await service.close();
    }
  });

  it('parses the summary line dd prints', () => {
    const stderr = '256+0 records in\n256+0 records out\n268435456 bytes (268 MB, 256 MiB) copied, 0.999777 s, 268 MB/s\n';
    const speed = parseDdSummary(stderr);
    expect(speed.bytes).toBe(268_435_456);
    expect(speed.seconds).toBeCloseTo(0.999777);
    expect(speed.megabytesPerSecond).toBeCloseTo(268.5, 0);
    expect(() => parseDdSummary('dd: failed to open')).toThrow(/dd printed no summary/);
  });
});
