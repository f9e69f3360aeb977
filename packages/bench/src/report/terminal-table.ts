import type { BenchReport } from './bench-report.js';
import { spread } from './format-figures.js';
import { overheadLine } from './overheads.js';
import { diskSpeedLine } from './disk-speed-line.js';

/** The columns of the cell table, terminal and Markdown alike. */
export const cellTableHead = [
  'target',
  'variant',
  'workload',
  'ops/s',
  'items/s',
  'p50 µs',
  'p99 µs',
  'client CPU µs/op',
  'server CPU µs/op',
  'client heap B/op',
];

/** One row per cell: medians (min–max) over the repetitions, or FAILED with the reason. */
export function cellTableRows(report: BenchReport): string[][] {
  return report.cells.map((cell) => {
    const s = cell.summary;
    if (cell.status !== 'ok' || !s)
      return [cell.target, cell.variant, cell.workload, 'FAILED', '', '', '', '', '', cell.error?.slice(0, 60) ?? ''];
    return [
      cell.target,
      cell.variant,
      cell.workload,
      spread(s.opsPerSecond),
      spread(s.itemsPerSecond),
      spread(s.latencyP50Us),
      spread(s.latencyP99Us),
      spread(s.clientCpuUsPerOp),
      spread(s.serverCpuUsPerOp),
      spread(s.clientHeapBytesPerOp),
    ];
  });
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(head), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** The matrix as a terminal table (medians with min–max over the repetitions), then the batch speed-ups and the overheads. */
export function terminalTable(report: BenchReport): string {
  const out = [table(cellTableHead, cellTableRows(report))];
  if (report.batchSpeedups.length > 0) {
    out.push('', 'Batches against one StoreBlob call per blob (time per blob, median of per-repetition ratios):');
    for (const entry of report.batchSpeedups)
      out.push(`  ${entry.target} ${entry.variant} ${entry.batch}: ${spread(entry.speedup)}× faster per blob`);
  }
  if (report.overheads.length > 0) {
    out.push('', 'Overhead against the raw baselines of this run (median of per-repetition ratios):');
    for (const entry of report.overheads) out.push(`  ${overheadLine(entry)}`);
  }
  const disk = diskSpeedLine(report);
  if (disk) out.push('', disk);
  return out.join('\n');
}
