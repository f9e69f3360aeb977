import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchServer } from '../targets/target.js';

/** The minimal server's child process. */
export interface MinimalServerProcess extends BenchServer {
  /** Whether the child is still running. */
  readonly running: () => boolean;
  close(): Promise<void>;
}

// From src (vitest, tsx) the script is TypeScript and needs tsx's loader; from dist it is plain JS.
const fromSource = import.meta.url.endsWith('.ts');
const script = fileURLToPath(new URL(`./minimal-server.${fromSource ? 'ts' : 'js'}`, import.meta.url));
// The package directory, so that `--import tsx` resolves from the workspace's node_modules.
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/** Starts `minimal-server` in its own process with `env` added, and reads its port off its stdout (bounded by 20 s). */
export async function startMinimalServer(env: Readonly<Record<string, string>> = {}): Promise<MinimalServerProcess> {
  const child = spawn(process.execPath, [...(fromSource ? ['--import', 'tsx'] : []), script], {
    cwd: packageDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    // SIGTERM ends it at once; SIGKILL if it has not gone within 5 s.
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the minimal server printed no port within 20 s: ${out}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /^(\d+)\n/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the minimal server exited: ${out}`));
      });
    });
    return {
      url: `http://127.0.0.1:${port}`,
      pid: child.pid!,
      running: () => child.exitCode === null && child.signalCode === null,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
