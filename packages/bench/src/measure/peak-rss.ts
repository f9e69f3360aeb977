import { readFileSync } from 'node:fs';

/** How often the sampler reads the resident set: often enough to catch a 64 MiB buffer that lives for a few tens of ms. */
const sampleEveryMs = 20;

/** The resident set of `pid` in bytes, from `/proc/<pid>/status` (`VmRSS`); this process's own through `process.memoryUsage`. */
export function residentBytes(pid: number): number {
  if (pid === process.pid) return process.memoryUsage().rss;
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]) * 1024;
}

/** The highest resident sets seen while a sampler ran, in bytes. */
export interface PeakRss {
  readonly clientBytes: number;
  readonly serverBytes: number;
}

/**
 * Polls the resident set of this process (the client) and of `serverPid` every ~20 ms while
 * `during` runs, and returns its result with the peaks seen (a sample before and after included,
 * so that an op shorter than one period still counts). Polling rather than `VmHWM`, because the
 * high-water mark covers the process's whole life and not the op alone.
 */
export async function withPeakRss<T>(serverPid: number, during: () => Promise<T>): Promise<{ result: T; peak: PeakRss }> {
  let clientBytes = 0;
  let serverBytes = 0;
  const sample = (): void => {
    clientBytes = Math.max(clientBytes, process.memoryUsage().rss);
    // The server may have exited under a failing op; its last sample stands.
    try {
      serverBytes = Math.max(serverBytes, residentBytes(serverPid));
    } catch {
      return;
    }
  };
  sample();
  const timer = setInterval(sample, sampleEveryMs);
  try {
    const result = await during();
    sample();
    return { result, peak: { clientBytes, serverBytes } };
  } finally {
    clearInterval(timer);
  }
}
