import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchServer } from '../targets/target.js';

/** A `govc serve` child process, on the in-memory store or on a data dir, as users run it. */
export interface GovcServeProcess extends BenchServer, AsyncDisposable {
  /** Its `--data-dir`, when it runs on the disk store (for a disk speed probe beside it). */
  readonly dataDir?: string;
  close(): Promise<void>;
}

/** How to start it. */
export interface GovcServeOptions {
  /** Serve from this directory on the disk store (`--data-dir`), which the caller creates and removes. Default: the in-memory store. */
  readonly dataDir?: string;
}

/** The `govc` bin this package depends on (pnpm links it into our own node_modules/.bin). */
function govcBin(): string {
  const bin = fileURLToPath(new URL('../../node_modules/.bin/govc', import.meta.url));
  if (!existsSync(bin)) throw new Error(`govc is not installed next to the bench (${bin})`);
  return bin;
}

/** Starts `govc serve --port 0` with `args` (on the disk store with `options.dataDir`) and reads its address off the banner. */
export async function startGovcServe(args: readonly string[] = [], options: GovcServeOptions = {}): Promise<GovcServeProcess> {
  const { dataDir } = options;
  // A large memory limit: the 1 MiB and throughput workloads store hundreds of MiB in a run.
  // `govc serve` refuses --memory-limit with --data-dir, which has no such bound.
  const store = dataDir === undefined ? ['--memory-limit', '8GiB'] : ['--data-dir', dataDir];
  const child: ChildProcess = spawn(govcBin(), ['serve', '--port', '0', ...store, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`govc serve printed no banner within 20 s: ${out}`)), 20_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`govc serve exited: ${out}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return { url, pid: child.pid!, ...(dataDir === undefined ? {} : { dataDir }), close, [Symbol.asyncDispose]: close };
}
