/**
 * Issue 5, defect 5: the data-dir lock trusted the pid in `govc.lock`, so a server run as PID 1
 * of its own PID namespace (as in a container), killed with SIGKILL and started again the same
 * way, found "process 1" (itself) holding the lock and refused to start. Runs the built CLI
 * (`bin/govc.js`, build first) under `unshare --pid --fork --mount-proc`; without unshare, or
 * without the right to make namespaces, the test fails rather than skips.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { h1 } from './fixtures/clients.js';

const run = promisify(execFile);
const govc = fileURLToPath(new URL('../bin/govc.js', import.meta.url));
const banner = /^govc listening on (http:\/\/127\.0\.0\.1:\d+) \(.*\) with store disk /m;

/** `govc serve --data-dir` as PID 1 of a new PID namespace, in a process group of its own. */
interface NamespacedServer {
  readonly unshare: ChildProcess;
  readonly exited: Promise<number | NodeJS.Signals>;
  stderr(): string;
  /** The banner's URL, once the server listens; rejects if it exits first or takes over 30 s. */
  url(): Promise<string>;
  /** SIGKILL to the whole group: unshare and the server, as a crash leaves them. */
  crash(): Promise<void>;
}

const live = new Set<NamespacedServer>();
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'govc-pid1-'));
});

afterAll(async () => {
  for (const server of live) await server.crash();
  await rm(dataDir, { recursive: true, force: true });
});

function serveInNewPidNamespace(dir: string): NamespacedServer {
  const unshare = spawn(
    'unshare',
    ['--pid', '--fork', '--mount-proc', process.execPath, govc, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dir],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  let spawnFailed = false;
  unshare.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  unshare.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    unshare.once('error', (error) => {
      spawnFailed = true;
      err += String(error);
      resolve(-1);
    });
    unshare.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  const server: NamespacedServer = {
    unshare,
    exited,
    stderr: () => err,
    async url() {
      for (
        const deadline = Date.now() + 30_000;
        Date.now() < deadline && !spawnFailed && unshare.exitCode === null && unshare.signalCode === null;
        await sleep(50)
      ) {
        const match = banner.exec(out);
        if (match) return match[1]!;
      }
      throw new Error(`no banner; stdout: ${out}; stderr: ${err}`);
    },
    async crash() {
      if (unshare.exitCode === null && unshare.signalCode === null && unshare.pid !== undefined) process.kill(-unshare.pid, 'SIGKILL');
      await exited;
      live.delete(server);
    },
  };
  live.add(server);
  void exited.then(() => live.delete(server));
  return server;
}

/** The server's pid as its own namespace sees it: the last NSpid field of unshare's child. */
async function pidInNamespace(server: NamespacedServer): Promise<string> {
  const pid = server.unshare.pid!;
  const [child] = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/);
  const nspid = /^NSpid:\s+(.*)$/m.exec(await readFile(`/proc/${child}/status`, 'utf8'))![1]!;
  return nspid.split(/\s+/).at(-1)!;
}

async function json(url: string, method: string, body: unknown): Promise<Record<string, unknown>> {
  const reply = await h1(`${url}/v1/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(reply.status, reply.body).toBe(200);
  return JSON.parse(reply.body) as Record<string, unknown>;
}

describe('the data-dir lock of a server that runs as PID 1 of its namespace', () => {
  it('can make PID namespaces here: unshare (util-linux) and the right to use it are required', async () => {
    const { stdout } = await run('unshare', ['--pid', '--fork', '--mount-proc', 'sh', '-c', 'echo $$']);
    expect(stdout).toBe('1\n');
  });

  it('restarts after SIGKILL with its data, and a live one keeps a second off the directory', { timeout: 90_000 }, async () => {
    const first = serveInNewPidNamespace(dataDir);
    const firstUrl = await first.url();
    expect(await pidInNamespace(first)).toBe('1');
    await json(firstUrl, 'CreateRepository', { repo: 'kept' });
    const { hash } = await json(firstUrl, 'StoreBlob', { repo: 'kept', content: Buffer.from('durable').toString('base64') });
    await first.crash();
    expect(await first.exited).toBe('SIGKILL');

    // Started again the same way, it is PID 1 again: the lock must not take that for a live holder.
    const again = serveInNewPidNamespace(dataDir);
    const againUrl = await again.url();
    expect(await pidInNamespace(again)).toBe('1');
    expect((await h1(`${againUrl}/v1/repos/kept/blobs/${String(hash)}`)).body).toBe('durable');

    const second = serveInNewPidNamespace(dataDir);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(
      `govc: cannot open the store in ${dataDir}: [failed_precondition] data directory ${dataDir} is in use by another running govc store`,
    );
    expect(second.stderr()).toContain('held by pid 1)');

    // unshare ignores SIGTERM and passes on the server's exit status; the server, as PID 1, gets it because it handles it.
    process.kill(-again.unshare.pid!, 'SIGTERM');
    expect(await again.exited).toBe(0);
  });
});
