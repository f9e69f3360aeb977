import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { benchUsage, parseBenchArgs } from './bench-args.js';
import { progressReporter } from './progress.js';
import { htmlReport } from './report/html-report.js';
import { markdownReport } from './report/markdown-report.js';
import { terminalTable } from './report/terminal-table.js';
import { runBench } from './run-bench.js';
import { allTargets } from './targets/catalog.js';
import { allWorkloads } from './workloads/catalog.js';

/** Picks `names` out of `all` by name, or all of them; an unknown name is an error that lists the known ones. */
function pick<T extends { name: string }>(all: readonly T[], names: readonly string[] | undefined, what: string): T[] {
  if (!names) return [...all];
  return names.map((name) => {
    const found = all.find((item) => item.name === name);
    if (!found) throw new Error(`no ${what} ${name}; known: ${all.map((item) => item.name).join(', ')}`);
    return found;
  });
}

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`govc-bench: ${(error as Error).message}\n\n${benchUsage}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(benchUsage);
    return 0;
  }
  let targets;
  let workloads;
  try {
    targets = pick(allTargets(), args.targets, 'target');
    workloads = pick(allWorkloads(), args.workloads, 'workload');
  } catch (error) {
    process.stderr.write(`govc-bench: ${(error as Error).message}\n`);
    return 2;
  }
  const report = await runBench({ targets, workloads, mode: args.mode, onProgress: progressReporter(process.stderr) });
  const table = terminalTable(report);
  process.stdout.write(`\n${table}\n`);
  const outDir = resolve(args.outDir);
  await mkdir(outDir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const jsonPath = join(outDir, `${stamp}.json`);
  await writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  const markdownPath = join(outDir, `${stamp}.md`);
  await writeFile(markdownPath, markdownReport(report));
  const htmlPath = join(outDir, `${stamp}.html`);
  await writeFile(htmlPath, htmlReport(report));
  const failed = report.cells.filter((cell) => cell.status !== 'ok').length;
  process.stdout.write(
    `\n${report.cells.length} cells in ${Math.round(report.seconds)} s (${args.mode}, ${report.repetitions} repetitions), ${failed} failed\nreports: ${jsonPath}\n         ${markdownPath}\n         ${htmlPath} (open it in a browser; it needs no network)\n`,
  );
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
