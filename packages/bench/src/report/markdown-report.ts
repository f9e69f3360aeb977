import type { BenchReport } from './bench-report.js';
import { spread } from './format-figures.js';
import { overheadLine } from './overheads.js';
import { cellTableHead, cellTableRows } from './terminal-table.js';
import { diskSpeedLine } from './disk-speed-line.js';

const cell = (text: string): string => text.replaceAll('|', '\\|');

/** The report as Markdown: the machine and the command, the cell table, the batch speed-ups, the overheads, what each workload and target is. */
export function markdownReport(report: BenchReport): string {
  const { machine } = report;
  const lines = [
    `# govc bench, ${report.startedAt}`,
    '',
    `${report.mode} (${report.repetitions} repetitions), ${Math.round(report.seconds)} s; ${machine.cpuModel}, ${machine.cpus} CPUs, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}.`,
    'Medians over the repetitions, with min–max. Server CPU is read from /proc in 10 ms ticks; for in-process it is the same process as the client.',
    '',
    `| ${cellTableHead.join(' | ')} |`,
    `| ${cellTableHead.map((_, index) => (index < 3 ? '---' : '---:')).join(' | ')} |`,
    ...cellTableRows(report).map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
  if (report.batchSpeedups.length > 0) {
    lines.push('', 'Time per blob, one StoreBlob call per blob ÷ in a batch (median of per-repetition ratios):', '');
    for (const entry of report.batchSpeedups) lines.push(`- ${entry.target} ${entry.variant} ${entry.batch}: ${spread(entry.speedup)}×`);
  }
  const disk = diskSpeedLine(report);
  if (disk) lines.push('', disk);
  if (report.overheads.length > 0) {
    lines.push(
      '',
      '## Overhead against the raw baselines',
      '',
      'Medians of per-repetition ratios, each against the target the issue sets:',
      '',
    );
    for (const entry of report.overheads) lines.push(`- ${cell(overheadLine(entry))}`);
  }
  lines.push(
    '',
    '| workload | what it does |',
    '| --- | --- |',
    ...report.workloads.map((workload) => `| ${workload.name} | ${cell(workload.about)} |`),
  );
  lines.push(
    '',
    '| target | what it is |',
    '| --- | --- |',
    ...report.targets.map((target) => `| ${target.name} | ${cell(target.about)} |`),
  );
  return `${lines.join('\n')}\n`;
}
