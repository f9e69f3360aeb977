#!/usr/bin/env node
// The one entry point behind the README's commands: it makes a fresh clone runnable with only
// Node.js and npm by fetching the pinned pnpm into .tools/, installing the workspace, putting
// pnpm on PATH (turbo refuses to run without it) and then running the task named on the line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, dirname, delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const toolsDir = join(root, '.tools');
const binDir = join(root, 'node_modules', '.bin');
const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
  PATH: [join(toolsDir, 'node_modules', '.bin'), binDir, process.env.PATH].join(delimiter),
};

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function must(command, args) {
  const status = run(command, args);
  if (status !== 0) process.exit(status);
}

function ensurePnpm() {
  const installed = join(toolsDir, 'node_modules', 'pnpm', 'package.json');
  if (existsSync(installed) && JSON.parse(readFileSync(installed, 'utf8')).version === pnpmVersion) return;
  mkdirSync(toolsDir, { recursive: true });
  must('npm', ['install', '--prefix', toolsDir, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `pnpm@${pnpmVersion}`]);
}

function ensureInstall() {
  // pnpm install is fast when nothing changed, so running it every time keeps node_modules in
  // step with the lockfile after a pull without any cleverness here.
  const args = ['install', '--reporter=append-only', '--config.confirmModulesPurge=false'];
  if (process.env.CI) args.push('--frozen-lockfile');
  must('pnpm', args);
  // Bins (`npx govc`) and the servers that tests and benches start as child processes run the
  // built code; turbo's cache makes this a no-op when nothing changed.
  must('turbo', ['run', 'build', '--output-logs=errors-only']);
}

/** Runs vitest over every package and ends with the one summary line CI reads. */
function test(extra) {
  const report = join(root, 'reports', 'vitest.json');
  rmSync(report, { force: true });
  mkdirSync(dirname(report), { recursive: true });
  const status = run('vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra]);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (existsSync(report)) {
    const summary = JSON.parse(readFileSync(report, 'utf8'));
    passed = summary.numPassedTests;
    failed = summary.numFailedTests + (summary.numFailedTestSuites ?? 0);
    skipped = (summary.numPendingTests ?? 0) + (summary.numTodoTests ?? 0);
  } else {
    failed = 1;
  }
  if (passed === 0 && failed === 0) failed = 1; // a run that executed nothing is a failure
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return status !== 0 || failed > 0 ? 1 : 0;
}

const [task = 'test', ...rest] = process.argv.slice(2);
ensurePnpm();
ensureInstall();
switch (task) {
  case 'test':
    process.exit(test(rest));
  case 'check': {
    // Formatting is checked over the whole repository at once (prettier is fast and needs no build).
    const formatted = run('prettier', ['--check', '.', '--log-level=warn']);
    const checked = run('turbo', ['run', 'typecheck', 'lint', '--continue', ...rest]);
    process.exit(formatted || checked);
  }
  case 'start':
    // The main job: the bench matrix, quick, against a govc serve it starts itself.
    process.exit(run('govc', ['bench', '--quick', ...rest]));
  case 'demo':
    process.exit(run('pnpm', ['--filter', '@govc/server', 'run', 'demo', ...rest]));
  case 'serve':
    // Ctrl-C reaches the server too; this process waits for it to shut down instead of dying first.
    process.on('SIGINT', () => {});
    process.exit(run('govc', ['serve', ...rest]));
  case 'docs':
    process.exit(run('pnpm', ['--filter', '@govc/core', 'run', 'docs', ...rest]));
  case 'bench':
    process.exit(run('govc', ['bench', '--full', ...rest]));
  case 'bench:packages':
    // Each package's own benchmark scripts (micro benchmarks beside their code), one at a time.
    process.exit(run('turbo', ['run', 'bench', '--concurrency=1', ...rest]));
  default:
    console.error(`unknown task ${task}; try start, test, check, serve, docs, demo, bench or bench:packages`);
    process.exit(2);
}
