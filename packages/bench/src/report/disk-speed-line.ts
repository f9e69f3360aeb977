import type { BenchReport } from './bench-report.js';

/** The disk's own speed as one sentence, so the stream cells can be read against it; `undefined` when no disk workload ran on a server. */
export function diskSpeedLine(report: BenchReport): string | undefined {
  if (report.diskSpeed) {
    const { megabytesPerSecond, bytes } = report.diskSpeed;
    return `The --data-dir disk itself: ${Math.round(megabytesPerSecond)} MB/s (dd of ${Math.round(bytes / 2 ** 20)} MiB, bs=1M, conv=fsync, after the cells).`;
  }
  if (report.diskSpeedError) return `The --data-dir disk's own speed could not be measured: ${report.diskSpeedError}`;
  return undefined;
}
