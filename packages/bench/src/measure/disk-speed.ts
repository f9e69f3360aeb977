import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What `dd` wrote and how fast, synced to disk. */
export interface DiskSpeed {
  readonly bytes: number;
  readonly seconds: number;
  readonly megabytesPerSecond: number;
}

/**
 * Parses the summary line GNU dd prints on stderr, e.g.
 * `268435456 bytes (268 MB, 256 MiB) copied, 0.52 s, 516 MB/s`, into bytes, seconds and MB/s
 * (decimal megabytes, as dd prints them, recomputed from bytes and seconds for precision).
 */
export function parseDdSummary(stderr: string): DiskSpeed {
  const match = /(\d+) bytes\b.*copied, ([\d.,]+) s/.exec(stderr);
  if (!match) throw new Error(`dd printed no summary: ${stderr.trim()}`);
  const bytes = Number(match[1]);
  const seconds = Number(match[2]!.replace(',', '.'));
  return { bytes, seconds, megabytesPerSecond: seconds > 0 ? bytes / seconds / 1e6 : Infinity };
}

/**
 * A one-time probe of how fast `dataDir`'s disk takes a synced sequential write: `dd` of 256 MiB
 * of zeroes with `conv=fsync`, so that disk workloads can be read against what the disk itself
 * does. The probe file is removed whatever happens. Costs about 256 MiB of writes: call it once per run.
 */
export async function probeDiskSpeed(dataDir: string): Promise<DiskSpeed> {
  const file = join(dataDir, 'dd.probe');
  try {
    const { stderr } = await run('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', 'count=256', 'conv=fsync'], { encoding: 'utf8' });
    return parseDdSummary(stderr);
  } finally {
    await rm(file, { force: true });
  }
}
