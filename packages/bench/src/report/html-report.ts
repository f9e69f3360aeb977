import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BenchReport } from './bench-report.js';
import { renderChartsScript } from './html-report-script.js';
import { overheadLine } from './overheads.js';
import { cellTableHead, cellTableRows } from './terminal-table.js';

/** The charts of the page, in order: the name the page script draws by, and the title. */
const charts = [
  ['latency', 'Latency: p50 per target and variant, for each workload'],
  ['throughput', 'Throughput: ops/s per target and variant, for each workload'],
  ['concurrency', 'Throughput against concurrency: StoreBlob one at a time against 64 in flight'],
  ['batches', 'Batch amortisation: how much faster a batch stores each blob'],
  ['cpu', 'CPU per op: client and server, per cell'],
  ['overheads', 'Overhead against the raw baselines, with each bound'],
] as const;

const escapeHtml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/**
 * Chart.js's UMD build, read from node_modules when the report is written so that the page needs
 * no network. Its source-map comment goes (a browser would fetch the map) and `</script` is
 * escaped so that the library cannot end its own script element.
 */
function chartLibrary(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  const source = readFileSync(join(dirname(entry), 'chart.umd.min.js'), 'utf8');
  return source.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n').replace(/<\/(script)/gi, '<\\/$1');
}

function table(head: readonly string[], rows: readonly (readonly string[])[], numericFrom = Infinity): string {
  const cell = (tag: string, text: string, column: number): string =>
    `<${tag}${column >= numericFrom ? ' class="n"' : ''}>${escapeHtml(text)}</${tag}>`;
  return [
    '<table>',
    `<thead><tr>${head.map((title, column) => cell('th', title, column)).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((row) => `<tr>${row.map((text, column) => cell('td', text, column)).join('')}</tr>`),
    '</tbody>',
    '</table>',
  ].join('\n');
}

const style = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
.chart { position: relative; height: 380px; margin: 1.5em 0; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; }
.n { text-align: right; font-variant-numeric: tabular-nums; }
code { background: #f3f3f3; padding: 1px 4px; }
`;

/**
 * The report as one self-contained HTML file: the machine and the command, a chart per figure
 * (drawn by an inlined Chart.js from the report's JSON in `#bench-data`), the overheads, the
 * table of every cell as in the Markdown report, and what each workload and target is. The page
 * loads nothing from the network; its Content-Security-Policy forbids it.
 */
export function htmlReport(report: BenchReport): string {
  const { machine } = report;
  const data = JSON.stringify(report).replaceAll('<', '\\u003c');
  const overheads = report.overheads.map((entry) => `<li>${escapeHtml(overheadLine(entry))}</li>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>govc bench, ${escapeHtml(report.startedAt)}</title>
<style>${style}</style>
</head>
<body>
<h1>govc bench, ${escapeHtml(report.startedAt)}</h1>
<p>Command: <code>govc-bench --${report.mode}</code>: ${report.mode} mode, ${report.repetitions} repetitions, ${Math.round(report.seconds)} s.</p>
<p>Machine: ${escapeHtml(machine.cpuModel)}, ${machine.cpus} CPUs, ${machine.memoryGiB} GiB, Node ${escapeHtml(machine.node)}, ${escapeHtml(machine.platform)}.</p>
<p>Medians over the repetitions. Server CPU is read from /proc in 10 ms ticks; for in-process it is the same process as the client.</p>
${charts.map(([name, title]) => `<div class="chart"><canvas data-chart="${name}" data-title="${escapeHtml(title)}"></canvas></div>`).join('\n')}
<h2>Overhead against the raw baselines</h2>
${overheads ? `<ul>\n${overheads}\n</ul>` : '<p>No baseline ran beside a govc target in this run.</p>'}
<h2>Every cell</h2>
<p>Medians (min–max) over the repetitions.</p>
${table(cellTableHead, cellTableRows(report), 3)}
<h2>Workloads</h2>
${table(
  ['workload', 'what it does'],
  report.workloads.map((workload) => [workload.name, workload.about]),
)}
<h2>Targets</h2>
${table(
  ['target', 'what it is'],
  report.targets.map((target) => [target.name, target.about]),
)}
<script type="application/json" id="bench-data">${data}</script>
<script>${chartLibrary()}</script>
<script>${renderChartsScript}</script>
</body>
</html>
`;
}
