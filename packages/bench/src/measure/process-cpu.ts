import { readFileSync } from 'node:fs';

// Linux reports a process's CPU time in clock ticks of 1/100 s (`getconf CLK_TCK` on x86-64 and
// arm64 kernels); /proc/<pid>/stat is the only way to read another process's without its help.
const ticksPerSecond = 100;

/**
 * CPU time (user + system) that process `pid` has used so far, in µs, read from
 * `/proc/<pid>/stat`, so that the server's cost is measured with no bench-only route in it.
 * For this process, `process.cpuUsage()` is finer (µs, not 10 ms ticks).
 */
export function processCpuMicros(pid: number): number {
  if (pid === process.pid) {
    const usage = process.cpuUsage();
    return usage.user + usage.system;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may contain spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / ticksPerSecond;
}
