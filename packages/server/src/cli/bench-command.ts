import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { CliIo } from './cli-io.js';

/**
 * Where `govc-bench` (the bin of `@govc/bench`) is: the nearest `node_modules/.bin` from `cwd`
 * up, then `PATH`. The CLI only runs the bench's bin, never imports it, so the server package
 * does not depend on the bench (which depends on the server).
 */
export function findBenchBin(cwd: string, path: string | undefined): string | undefined {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '.bin', 'govc-bench');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  for (const dir of (path ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'govc-bench');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** `govc bench ARGS`: runs `govc-bench ARGS` in the foreground (signals passed on) and resolves with its exit status. */
export function bench(args: readonly string[], io: CliIo): Promise<number> {
  const bin = findBenchBin(process.cwd(), io.env?.PATH);
  if (!bin) {
    io.stderr.write(
      'govc: govc bench runs the bench matrix of @govc/bench, which is not installed here (no govc-bench in node_modules/.bin or on PATH)\n',
    );
    return Promise.resolve(1);
  }
  const child = spawn(bin, args, { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  process.on('SIGINT', forward).on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.once('error', (error) => {
      io.stderr.write(`govc: could not run ${bin}: ${error.message}\n`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 143));
    });
  });
}
